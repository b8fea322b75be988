from .mmpose_keys import rename_mmpose_key, rename_mmpose_keys

__all__ = ['rename_mmpose_key', 'rename_mmpose_keys']
