from .down_units import BackboneLayersDownUnit, MSPNDownUnit, XceptionDownUnit
from .mspn_backbone import MSPNBackbone

__all__ = ['MSPNBackbone', 'MSPNDownUnit', 'BackboneLayersDownUnit', 'XceptionDownUnit']
