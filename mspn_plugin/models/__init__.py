from .backbones import MSPNBackbone
from .heads import MSPNHeatmapHead
from .losses import MSPNMultiScaleLoss
from .necks import GlobalNetNeck
from .pose_estimators import MSPNTopdownEstimator

__all__ = ['MSPNBackbone', 'GlobalNetNeck', 'MSPNHeatmapHead', 'MSPNMultiScaleLoss', 'MSPNTopdownEstimator']
