"""MMPose's own MSPN (``MSPN`` + ``MSPNHead`` in a ``TopdownPoseEstimator``) next to ours with the same weights.

Used by ``tools/benchmark.py`` and the equivalence tests. MMPose's is configured as its
``td-hm_{S}xmspn50_8xb32-210e_coco-256x192`` configs; ours comes from one of our configs (ResNet-50 down units, the
only kind MMPose's MSPN holds) at the same stage count.
"""
import copy

import torch.nn as nn
from mmpose.registry import MODELS

from ..checkpoint import convert_mmpose_state_dict
from ..codecs.coarse_to_fine_heatmap import AUTHORS_TARGET_KERNELS
from ..utils.imagenet import IMAGENET_RGB_MEAN, IMAGENET_RGB_STD
from .random_weights import randomise_weights_

PREPROCESSOR = dict(type='PoseDataPreprocessor', mean=list(IMAGENET_RGB_MEAN), std=list(IMAGENET_RGB_STD),
                    bgr_to_rgb=True)
TEST_CFG = dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False)


def mmpose_codecs(input_size: tuple[int, int]) -> list[dict]:
    """MMPose's MSPN codecs: one ``MegviiHeatmap`` per distinct kernel (15, 11, 9, 7, 5)."""
    width, height = input_size
    return [dict(type='MegviiHeatmap', input_size=input_size, heatmap_size=(width // 4, height // 4),
                 kernel_size=k) for k in AUTHORS_TARGET_KERNELS]


def mmpose_train_pipeline(input_size: tuple[int, int]) -> list[dict]:
    """The training pipeline of MMPose's ``td-hm_{S}xmspn50_8xb32-210e_coco-256x192`` configs (the same for
    every stage count: the head picks a target level per stage and scale)."""
    return [dict(type='LoadImage'), dict(type='GetBBoxCenterScale'),
            dict(type='RandomFlip', direction='horizontal'), dict(type='RandomHalfBody'),
            dict(type='RandomBBoxTransform'), dict(type='TopdownAffine', input_size=input_size),
            dict(type='GenerateTarget', multilevel=True, encoder=mmpose_codecs(input_size)),
            dict(type='PackPoseInputs')]


def our_codec(input_size: tuple[int, int]) -> dict:
    return dict(type='CoarseToFineHeatmap', input_size=input_size, target_kernels=AUTHORS_TARGET_KERNELS,
                test_kernel_size=5, shift=0.25)


def mmpose_model_cfg(num_stages: int, input_size: tuple[int, int]) -> dict:
    """MMPose's MSPN-Res50 estimator config (as its COCO configs, without the ImageNet initialisation)."""
    width, height = input_size
    losses = [dict(type='KeypointMSELoss', use_target_weight=True, loss_weight=0.25)] * 3 + [
        dict(type='KeypointOHKMMSELoss', use_target_weight=True, loss_weight=1.0)]
    return dict(
        type='TopdownPoseEstimator', data_preprocessor=PREPROCESSOR,
        backbone=dict(type='MSPN', unit_channels=256, num_stages=num_stages, num_units=4,
                      num_blocks=[3, 4, 6, 3], norm_cfg=dict(type='BN')),
        head=dict(type='MSPNHead', out_shape=(height // 4, width // 4), unit_channels=256, out_channels=17,
                  num_stages=num_stages, num_units=4, norm_cfg=dict(type='BN'),
                  level_indices=[0, 1, 2, 3] * (num_stages - 1) + [1, 2, 3, 4], loss=losses * num_stages,
                  decoder=mmpose_codecs(input_size)[-1]),
        test_cfg=dict(TEST_CFG))


def our_model_cfg(model: dict, num_stages: int, input_size: tuple[int, int]) -> dict:
    """``model``, one of our configs' model (ResNet-50 down units), with ``num_stages`` stages, decoding at
    ``input_size`` (w, h), and without its ImageNet initialisation (its weights will come from MMPose's model)."""
    cfg = copy.deepcopy(dict(model))
    cfg['backbone'] = dict(cfg['backbone'], num_stages=num_stages, init_cfg=None)
    head = cfg['head']
    cfg['head'] = dict(head, num_stages=num_stages, decoder=dict(head['decoder'], input_size=input_size))
    return cfg


def build_model_pair(our_model: dict, num_stages: int, input_size: tuple[int, int] = (192, 256), seed: int = 0
                     ) -> tuple[nn.Module, nn.Module]:
    """(MMPose's model, ours built from ``our_model`` as :func:`our_model_cfg` sets it) with ours loaded from MMPose's
    randomised weights; both in eval mode."""
    reference = randomise_weights_(MODELS.build(mmpose_model_cfg(num_stages, input_size)), seed)
    ours = MODELS.build(our_model_cfg(our_model, num_stages, input_size))
    ours.load_state_dict(convert_mmpose_state_dict(reference.state_dict()), strict=True)
    return reference, ours.eval()
