from .detections import DetectionFile, DetectionFileError, checked_detection_file, coco_style_id, valid_boxes
from .pipeline_codec import with_codec
from .transforms import KeepVisibilityFlags, RandomBoxExtension, ReadImage, UniformScaleRotation, UpperLowerBodyCrop

__all__ = ['DetectionFile', 'DetectionFileError', 'KeepVisibilityFlags', 'RandomBoxExtension', 'ReadImage',
           'UniformScaleRotation', 'UpperLowerBodyCrop', 'checked_detection_file', 'coco_style_id', 'valid_boxes',
           'with_codec']
