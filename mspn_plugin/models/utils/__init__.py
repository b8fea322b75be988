from .complexity import Complexity, model_complexity
from .conv_bn_fusion import fuse_conv_bn
from .heatmap_network import HeatmapNetwork

__all__ = ['Complexity', 'HeatmapNetwork', 'fuse_conv_bn', 'model_complexity']
