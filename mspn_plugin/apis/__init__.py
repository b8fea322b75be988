from ..utils.image_io import ImageReadError, read_image
from .checkpoint_conversion import convert_authors_state_dict, convert_mmpose_state_dict, extract_state_dict
from .inference import DetectionFile, ImagePoses, PersonDetector, TopdownPoseEstimation
from .inference_runner import run_topdown_inference
from .runner import build_runner, prepare_config

__all__ = ['convert_authors_state_dict', 'convert_mmpose_state_dict', 'extract_state_dict', 'build_runner',
           'prepare_config', 'DetectionFile', 'ImagePoses', 'ImageReadError', 'PersonDetector',
           'TopdownPoseEstimation', 'read_image', 'run_topdown_inference']
