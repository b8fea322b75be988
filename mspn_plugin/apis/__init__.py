from .checkpoint_conversion import convert_mmpose_state_dict, extract_state_dict
from .runner import build_runner, prepare_config

__all__ = ['convert_mmpose_state_dict', 'extract_state_dict', 'build_runner', 'prepare_config']
