from .augmentation import UniformScaleRotation, UpperLowerBodyCrop
from .visibility_flags import KeepVisibilityFlags

__all__ = ['KeepVisibilityFlags', 'UpperLowerBodyCrop', 'UniformScaleRotation']
