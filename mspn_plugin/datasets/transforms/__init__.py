from .augmentation import UniformScaleRotation, UpperLowerBodyCrop
from .read_image import ReadImage
from .visibility_flags import KeepVisibilityFlags

__all__ = ['KeepVisibilityFlags', 'ReadImage', 'UpperLowerBodyCrop', 'UniformScaleRotation']
