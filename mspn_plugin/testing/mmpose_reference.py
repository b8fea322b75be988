"""MMPose's own MSPN (``MSPN`` + ``MSPNHead`` in a ``TopdownPoseEstimator``) next to ours with the same weights.

Used by ``tools/benchmark.py`` and the equivalence tests. Both are configured as their COCO 256x192 configs are:
MMPose's ``td-hm_{S}xmspn50_8xb32-210e_coco-256x192`` and ours (``td-hm_{S}xmspn50_8xb32-96k_coco-256x192``).
"""
import torch.nn as nn
from mmpose.registry import MODELS

from ..checkpoint import convert_mmpose_state_dict
from ..codecs.coarse_to_fine_heatmap import AUTHORS_TARGET_KERNELS
from .random_weights import randomise_weights_

PREPROCESSOR = dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
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


def our_model_cfg(num_stages: int, input_size: tuple[int, int], fast_inference: bool = True) -> dict:
    """Our MSPN-Res50 estimator config (as the COCO MSPN-Res50 configs, with ``num_stages``)."""
    return dict(
        type='MSPNTopdownEstimator', data_preprocessor=PREPROCESSOR, fast_inference=fast_inference,
        backbone=dict(type='MSPNBackbone', num_stages=num_stages, down_unit=dict(type='ResNet', depth=50)),
        head=dict(type='MSPNHeatmapHead', num_stages=num_stages, out_channels=17,
                  loss=dict(type='MSPNMultiScaleLoss', scale_weights=(0.25, 0.25, 0.25, 1.0), use_ohkm=True,
                            ohkm_topk=8, mask_policy='visible'),
                  decoder=our_codec(input_size)),
        test_cfg=dict(TEST_CFG))


def build_model_pair(num_stages: int, input_size: tuple[int, int] = (192, 256), seed: int = 0,
                     fast_inference: bool = True) -> tuple[nn.Module, nn.Module]:
    """(MMPose's model, ours) with ours loaded from MMPose's randomised weights; both in eval mode."""
    reference = randomise_weights_(MODELS.build(mmpose_model_cfg(num_stages, input_size)), seed)
    ours = MODELS.build(our_model_cfg(num_stages, input_size, fast_inference))
    ours.load_state_dict(convert_mmpose_state_dict(reference.state_dict()), strict=True)
    return reference, ours.eval()
