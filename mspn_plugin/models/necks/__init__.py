from .globalnet_neck import GlobalNetNeck
from .select_stage_neck import SelectStageNeck

__all__ = ['GlobalNetNeck', 'SelectStageNeck']
