from .augmentation import RandomBoxExtension, UniformScaleRotation, UpperLowerBodyCrop
from .read_image import ReadImage
from .visibility_flags import KeepVisibilityFlags

__all__ = ['KeepVisibilityFlags', 'RandomBoxExtension', 'ReadImage', 'UpperLowerBodyCrop', 'UniformScaleRotation']
