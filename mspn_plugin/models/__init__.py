from .backbones import MSPNBackbone
from .heads import MSPNHeatmapHead
from .losses import MSPNMultiScaleLoss
from .necks import GlobalNetNeck

__all__ = ['MSPNBackbone', 'GlobalNetNeck', 'MSPNHeatmapHead', 'MSPNMultiScaleLoss']
