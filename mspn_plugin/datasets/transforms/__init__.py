from .augmentation import RandomBoxExtension, UniformScaleRotation, UpperLowerBodyCrop
from .read_image import ReadImage
from .visibility_flags import KeepVisibilityFlags, LabelledAsVisible
from .zero_based_keypoints import ZeroBasedKeypoints

__all__ = ['KeepVisibilityFlags', 'LabelledAsVisible', 'RandomBoxExtension', 'ReadImage', 'UpperLowerBodyCrop',
           'UniformScaleRotation', 'ZeroBasedKeypoints']
