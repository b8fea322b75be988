from .checkpoint_conversion import convert_mmpose_state_dict, extract_state_dict

__all__ = ['convert_mmpose_state_dict', 'extract_state_dict']
