"""The inference API: poses from images and person boxes, over folders and videos, and the ONNX export."""
from .inference import ImagePoses, PersonDetector, PosePredictor
from .inference_runner import run_topdown_inference
from .onnx_export import export_heatmap_onnx

__all__ = ['ImagePoses', 'PersonDetector', 'PosePredictor', 'export_heatmap_onnx', 'run_topdown_inference']


def __getattr__(name: str):
    if name == 'TopdownPoseEstimation':  # the name of PosePredictor before 0.2
        from . import inference
        return inference.TopdownPoseEstimation
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
