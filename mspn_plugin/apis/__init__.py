"""The inference API: poses from images and person boxes, over folders, videos and live sources, with track ids
and smoothing in videos; person-detection files for a dataset; the ONNX export."""
from .inference import BOX_NMS_THR, OKS_NMS_THR, ImagePoses, PersonDetector, PosePredictor
from .inference_runner import run_topdown_inference
from .keypoint_smoothing import SmoothingConfig, TrackSmoother
from .onnx_export import export_heatmap_onnx
from .person_detections import detect_persons
from .pose_tracking import PoseTracker, TrackingConfig

__all__ = ['BOX_NMS_THR', 'OKS_NMS_THR', 'ImagePoses', 'PersonDetector', 'PosePredictor', 'PoseTracker',
           'SmoothingConfig', 'TrackSmoother', 'TrackingConfig', 'detect_persons', 'export_heatmap_onnx',
           'run_topdown_inference']


def __getattr__(name: str):
    if name == 'TopdownPoseEstimation':  # the name of PosePredictor before 0.2
        from . import inference
        return inference.TopdownPoseEstimation
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
