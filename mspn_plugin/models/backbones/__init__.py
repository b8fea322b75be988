from .mspn_backbone import MSPNBackbone

__all__ = ['MSPNBackbone']
