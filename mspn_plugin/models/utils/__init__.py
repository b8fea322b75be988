from .conv_bn_fusion import fuse_conv_bn
from .mmpose_keys import rename_mmpose_key, rename_mmpose_keys

__all__ = ['fuse_conv_bn', 'rename_mmpose_key', 'rename_mmpose_keys']
