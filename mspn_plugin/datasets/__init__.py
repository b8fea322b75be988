from .transforms import KeepVisibilityFlags, UniformScaleRotation, UpperLowerBodyCrop

__all__ = ['KeepVisibilityFlags', 'UpperLowerBodyCrop', 'UniformScaleRotation']
