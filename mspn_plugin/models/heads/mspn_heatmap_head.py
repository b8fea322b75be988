"""MSPN's per-stage, per-scale heatmap predictors with coarse-to-fine, multi-scale supervision.

Paper: Li et al., "Rethinking on Multi-Stage Networks for Human Pose Estimation", section 3.3 (training)
and 4.2 "Testing" (flip test; decoding lives in :class:`~mspn_plugin.codecs.CoarseToFineHeatmap`).

Shape legend: B batch, K keypoints, S stages, L scales per stage (coarsest first), U feature channels,
H x W the finest feature size = heatmap size (1/4 of the input, whatever the input size).
"""
from collections.abc import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.structures import PixelData
from mmpose.evaluation.functional import pose_pck_accuracy
from mmpose.models.heads.base_head import BaseHead
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import ConfigType, OptConfigType, OptMultiConfig, OptSampleList, Predictions
from torch import Tensor

from ...checkpoint import rename_mmpose_keys
from ...codecs.coarse_to_fine_heatmap import authors_kernel_schedule

StageFeatures = Sequence[Tensor]
MultiStageFeatures = Sequence[StageFeatures]


class ScalePredictor(nn.Module):
    """1x1 conv + norm + ReLU, 3x3 conv to K + norm, then bilinear up-sampling to the heatmap size.

    Shapes: in (B, U, h, w); out (B, K, H, W) for the ``size`` given to ``forward``.
    """

    def __init__(self, in_channels: int, num_keypoints: int, norm_cfg: ConfigType) -> None:
        super().__init__()
        self.convs = nn.Sequential(
            ConvModule(in_channels, in_channels, 1, norm_cfg=norm_cfg),
            ConvModule(in_channels, num_keypoints, 3, padding=1, norm_cfg=norm_cfg, act_cfg=None))

    def forward(self, feat: Tensor, size: torch.Size) -> Tensor:
        out = self.convs(feat)
        if out.shape[-2:] != size:
            out = F.interpolate(out, size=size, mode='bilinear', align_corners=True)
        return out


def as_stages(feats: MultiStageFeatures | StageFeatures, num_scales: int) -> MultiStageFeatures:
    """Accept MSPN's per-stage features, or a flat sequence of maps read as consecutive stages of
    ``num_scales`` maps (one stage from :class:`GlobalNetNeck`; one map per stack from an Hourglass)."""
    if not isinstance(feats[0], Tensor):
        return feats
    return [feats[i:i + num_scales] for i in range(0, len(feats), num_scales)]


def merge_flipped_heatmaps(heatmaps: Tensor, flipped: Tensor, batch_data_samples: OptSampleList,
                           test_cfg: ConfigType) -> Tensor:
    """Flip test: the mean of the heatmaps and the un-flipped heatmaps of the mirrored input, (B, K, H, W)."""
    unflipped = flip_heatmaps(flipped, flip_indices=batch_data_samples[0].metainfo['flip_indices'],
                              flip_mode=test_cfg.get('flip_mode', 'heatmap'),
                              shift_heatmap=test_cfg.get('shift_heatmap', False))
    return (heatmaps + unflipped) * 0.5


@MODELS.register_module()
class MSPNHeatmapHead(BaseHead):
    """Heatmap head of MSPN: one predictor for every scale of every stage.

    MMPose's ``MSPNHead`` computes every predictor at test time and fixes the heatmap size in its config; here the
    size follows the features, the loss takes the authors' visibility masking, and prediction runs one predictor.

    Training supervises all S x L outputs (targets from the codec's kernel schedule, loss from
    ``loss``); prediction runs only the last stage's finest predictor (twice with flip test).

    Args:
        num_stages: S; must match the codec's kernel table.
        num_scales: L per stage (4 for MSPN).
        in_channels: U.
        out_channels: K.
        kernel_schedule: (S, L) Gaussian kernel sizes supervising each stage and scale, coarsest scale first
            (coarse-to-fine supervision); one row, (1, L), supervises every stage alike. Default: the authors'
            ``[15, 11, 9, 7]`` for every stage but the last and ``[11, 9, 7, 5]`` for the last. Each kernel must be
            among the codec's target_kernels.
        norm_cfg: norm layer config of the predictors.
        loss: config of the multi-scale loss (:class:`MSPNMultiScaleLoss` by default).
        decoder: config of :class:`CoarseToFineHeatmap`; required (targets and decoding).

    Shapes:
        in: S stages of L maps (B, U, h_l, w_l), coarsest first (the output of :class:`MSPNBackbone`), or
        a flat sequence of S x L maps, read as consecutive stages (one stage of L maps from
        :class:`GlobalNetNeck`; S stages of one map each from MMPose's ``HourglassNet`` with ``num_scales=1``).
        forward out: S lists of L heatmaps (B, K, H, W).
    """

    def __init__(self,
                 num_stages: int = 2,
                 num_scales: int = 4,
                 in_channels: int = 256,
                 out_channels: int = 17,
                 kernel_schedule: Sequence[Sequence[int]] | None = None,
                 norm_cfg: ConfigType | None = None,
                 loss: ConfigType | None = None,
                 decoder: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        if init_cfg is None:
            init_cfg = [dict(type='Kaiming', layer='Conv2d'),
                        dict(type='Constant', layer=['_BatchNorm', 'GroupNorm'], val=1)]
        super().__init__(init_cfg)
        if decoder is None:
            raise ValueError(f'{type(self).__name__} needs a decoder config (CoarseToFineHeatmap): it defines '
                             'the per-stage targets and the decoding')
        self.decoder = KEYPOINT_CODECS.build(decoder)
        self.kernel_schedule = [list(row) for row in (kernel_schedule or authors_kernel_schedule(num_stages))]
        if len(self.kernel_schedule) == 1:
            self.kernel_schedule *= num_stages
        if len(self.kernel_schedule) != num_stages or any(len(r) != num_scales for r in self.kernel_schedule):
            raise ValueError(f'kernel_schedule must be {num_stages} stages x {num_scales} scales, '
                             f'got {self.kernel_schedule}')
        self.target_levels = [[self.decoder.level_of(k) for k in row] for row in self.kernel_schedule]
        self.num_stages = num_stages
        self.num_scales = num_scales
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.loss_module = MODELS.build(loss or dict(type='MSPNMultiScaleLoss'))
        norm_cfg = dict(norm_cfg or dict(type='BN'))
        self.predictors = nn.ModuleList(
            nn.ModuleList(ScalePredictor(in_channels, out_channels, norm_cfg) for _ in range(num_scales))
            for _ in range(num_stages))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        # MMPose's MSPNHead checkpoints (model zoo, ``load_from``) load as they are: their key names become ours
        rename_mmpose_keys(state_dict, prefix, 'head')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def _check(self, feats: MultiStageFeatures | StageFeatures) -> MultiStageFeatures:
        stages = as_stages(feats, self.num_scales)
        if len(stages) != self.num_stages or any(len(stage) != self.num_scales for stage in stages):
            shape = [len(stage) for stage in stages]
            raise ValueError(f'{type(self).__name__} expects {self.num_stages} stages of {self.num_scales} '
                             f'feature maps, got scales per stage {shape}')
        return stages

    def forward(self, feats: MultiStageFeatures | StageFeatures) -> list[list[Tensor]]:
        stages = self._check(feats)
        return [[predictor(feat, stage[-1].shape[-2:]) for predictor, feat in zip(predictors, stage, strict=True)]
                for predictors, stage in zip(self.predictors, stages, strict=True)]

    def forward_final(self, feats: MultiStageFeatures | StageFeatures) -> Tensor:
        """Only the heatmaps used at test time: the last stage's finest scale, (B, K, H, W)."""
        finest = self._check(feats)[-1][-1]
        return self.predictors[-1][-1](finest, finest.shape[-2:])

    def forward_every_stage(self, feats: MultiStageFeatures | StageFeatures) -> list[Tensor]:
        """What each stage alone predicts: S finest-scale heatmaps (B, K, H, W), the last one ``forward_final``'s."""
        return [predictors[-1](stage[-1], stage[-1].shape[-2:])
                for predictors, stage in zip(self.predictors, self._check(feats), strict=True)]

    def predict(self, feats, batch_data_samples: OptSampleList, test_cfg: OptConfigType = None) -> Predictions:
        """Decode keypoints, averaging with the flipped image's heatmaps when ``flip_test`` is set
        (``feats`` is then ``[feats, flipped_feats]``, as MMPose's ``TopdownPoseEstimator`` passes it).
        With ``output_stage_heatmaps`` every stage's heatmaps are returned too (see ``predict_from_heatmaps``)."""
        test_cfg = test_cfg or {}
        every_stage = test_cfg.get('output_stage_heatmaps', False)
        forward = self.forward_every_stage if every_stage else (lambda f: [self.forward_final(f)])
        if test_cfg.get('flip_test', False):
            feats, flipped_feats = feats
            stages = [merge_flipped_heatmaps(maps, flipped, batch_data_samples, test_cfg)
                      for maps, flipped in zip(forward(feats), forward(flipped_feats), strict=True)]
        else:
            stages = forward(feats)
        return self.predict_from_heatmaps(torch.stack(stages, 1) if every_stage else stages[0], test_cfg)

    def predict_from_heatmaps(self, heatmaps: Tensor, test_cfg: OptConfigType = None) -> Predictions:
        """Decode final heatmaps (B, K, H, W), or the last of every stage's (B, S, K, H, W).

        With ``output_heatmaps`` or ``output_stage_heatmaps`` the heatmaps are also returned, one ``PixelData``
        per instance: ``heatmaps`` (K, H, W) the decoded ones and, for every stage's, ``stage_heatmaps``
        (S * K, H, W), stage-major (``PixelData`` holds 3-D fields only)."""
        test_cfg = test_cfg or {}
        final = heatmaps[:, -1] if heatmaps.dim() == 5 else heatmaps
        preds = self.decode(final)
        if not (test_cfg.get('output_heatmaps', False) or heatmaps.dim() == 5):
            return preds
        fields = [PixelData(heatmaps=maps) for maps in final.detach()]
        if heatmaps.dim() == 5:
            for field, stages in zip(fields, heatmaps.detach(), strict=True):
                field.stage_heatmaps = stages.flatten(0, 1)
        return preds, fields

    def loss(self, feats, batch_data_samples: OptSampleList, train_cfg: OptConfigType = None) -> dict:
        """Coarse-to-fine losses of every stage and scale, plus ``acc_pose`` of the final output."""
        # losses in float32 at least, also under mixed precision (targets reach 255: squared errors overflow float16)
        preds = [[pred.to(torch.promote_types(pred.dtype, torch.float32)) for pred in stage]
                 for stage in self.forward(feats)]
        batch, keypoints, height, width = preds[-1][-1].shape
        targets = torch.stack([d.gt_fields.heatmaps for d in batch_data_samples])
        targets = targets.view(batch, -1, keypoints, *targets.shape[-2:])
        if targets.shape[-2:] != (height, width):
            raise ValueError(f'target heatmaps are {tuple(targets.shape[-2:])} but the head predicts '
                             f'{(height, width)}: the codec input_size does not match the model input')
        labels = [d.gt_instance_labels for d in batch_data_samples]
        labelled = torch.cat([label.keypoint_weights for label in labels]).to(targets)
        visible = torch.cat([label.get('visible_keypoint_weights', label.keypoint_weights)
                             for label in labels]).to(targets)
        stage_targets = [[targets[:, level] for level in levels] for levels in self.target_levels]
        losses = self.loss_module(preds, stage_targets, labelled, visible)
        _, accuracy, _ = pose_pck_accuracy(output=to_numpy(preds[-1][-1]), target=to_numpy(stage_targets[-1][-1]),
                                           mask=to_numpy(labelled) > 0)
        losses['acc_pose'] = torch.tensor(accuracy, device=targets.device)
        return losses
