from .transforms import KeepVisibilityFlags, ReadImage, UniformScaleRotation, UpperLowerBodyCrop

__all__ = ['KeepVisibilityFlags', 'ReadImage', 'UpperLowerBodyCrop', 'UniformScaleRotation']
