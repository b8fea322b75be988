from .conv_bn_fusion import fuse_conv_bn

__all__ = ['fuse_conv_bn']
