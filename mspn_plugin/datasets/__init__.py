from .detections import DetectionFile, DetectionFileError, checked_detection_file, coco_style_id, valid_boxes
from .pipeline_codec import with_codec, with_metainfo_body_split
from .transforms import (
    KeepVisibilityFlags,
    LabelledAsVisible,
    RandomBoxExtension,
    ReadImage,
    UniformScaleRotation,
    UpperLowerBodyCrop,
    ZeroBasedKeypoints,
)

__all__ = ['DetectionFile', 'DetectionFileError', 'KeepVisibilityFlags', 'LabelledAsVisible', 'RandomBoxExtension',
           'ReadImage', 'UniformScaleRotation', 'UpperLowerBodyCrop', 'ZeroBasedKeypoints', 'checked_detection_file',
           'coco_style_id', 'valid_boxes', 'with_codec', 'with_metainfo_body_split']
