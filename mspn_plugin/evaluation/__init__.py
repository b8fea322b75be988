from .coco_keypoint_ap import coco_keypoint_ap
from .codec_round_trip import codec_round_trip_metrics

__all__ = ['codec_round_trip_metrics', 'coco_keypoint_ap']
