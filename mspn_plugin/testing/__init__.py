"""Fabricated inputs, random weights and MMPose's MSPN configured like ours: helpers shared by the tests and
``tools/benchmark.py`` (MMPose keeps the same kind of helpers in ``mmpose.testing``). Production code never imports
this package."""
from .fake_data import COCO_FLIP_INDICES, make_batch, make_pose_data_samples
from .mmpose_reference import build_model_pair, mmpose_model_cfg, our_model_cfg
from .random_weights import randomise_weights_

__all__ = ['COCO_FLIP_INDICES', 'build_model_pair', 'make_batch', 'make_pose_data_samples', 'mmpose_model_cfg',
           'our_model_cfg', 'randomise_weights_']
