from .globalnet_neck import GlobalNetNeck

__all__ = ['GlobalNetNeck']
