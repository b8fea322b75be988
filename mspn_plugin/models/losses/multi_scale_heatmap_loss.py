"""MSPN's multi-scale intermediate supervision: L2 on every scale, OHKM on the finest (paper, section 3.3).

Shape legend: B batch, K keypoints, H x W heatmap; predictions and targets are (B, K, H, W), keypoint
weights (B, K).
"""
from collections.abc import Sequence

import torch
import torch.nn as nn
from mmpose.registry import MODELS
from torch import Tensor

MASK_POLICIES = ('labelled', 'visible')
#: labelled joints looked at before deciding whether the data carries "visible" flags at all
VISIBILITY_CHECK_JOINTS = 1000


def per_keypoint_l2(pred: Tensor, target: Tensor) -> Tensor:
    """Mean squared error of each keypoint's map: (B, K)."""
    return (pred - target).pow(2).flatten(2).mean(-1)


def plain_l2_loss(pred: Tensor, target: Tensor, labelled: Tensor, visible: Tensor, mask_policy: str) -> Tensor:
    """L2 averaged over the batch and all K keypoints.

    ``'labelled'`` (MMPose): keypoints without a label contribute nothing.
    ``'visible'`` (the authors' code): every keypoint's prediction is penalised, and the target of any
    keypoint not flagged visible is all zeros, so occluded joints are pushed toward an empty map.
    """
    if mask_policy == 'labelled':
        return (per_keypoint_l2(pred, target) * labelled).mean()
    return per_keypoint_l2(pred, target * visible[..., None, None]).mean()


def ohkm_l2_loss(pred: Tensor, target: Tensor, labelled: Tensor, topk: int) -> Tensor:
    """Online hard keypoint mining: per sample, the mean of the ``topk`` largest labelled keypoint
    losses (unlabelled keypoints count as zero loss), averaged over the batch."""
    losses = per_keypoint_l2(pred, target) * labelled
    return losses.topk(min(topk, losses.shape[1]), dim=1, sorted=False).values.mean()


@MODELS.register_module()
class MSPNMultiScaleLoss(nn.Module):
    """Sum over stages and scales of weighted heatmap L2 losses, OHKM on each stage's finest scale.

    MMPose's ``KeypointMSELoss`` / ``KeypointOHKMMSELoss`` weight every loss by labelled joints; the authors' L2
    zeroes the targets of joints not flagged visible (``mask_policy='visible'``), which this keeps available.

    Args:
        scale_weights: weight of each scale, coarsest first (authors: 0.25 on the three coarser, 1 on
            the finest).
        use_ohkm: apply OHKM (instead of plain L2) on the finest scale of each stage.
        ohkm_topk: number of hardest keypoints kept by OHKM (authors' code: 8; the paper cites CPN's OHKM).
        mask_policy: ``'visible'`` (authors) or ``'labelled'`` (MMPose), see :func:`plain_l2_loss`.
            OHKM always uses labelled keypoints, as the authors do. Under ``'visible'``, the first
            ``VISIBILITY_CHECK_JOINTS`` labelled joints of a run must include a visible one: otherwise the flags
            were clipped to 0/1 (MMPose's loaders do that) and the policy would empty every target, so training
            stops once, at its start, with the reason. A batch whose joints are all occluded is fine.
        loss_weight: global multiplier.
        log_scale_losses: also return each scale's loss, unweighted and detached, as ``stage{s+1}_scale{l+1}_l2``
            (for the training curves; MMEngine sums only the keys that contain ``loss``).

    Forward: ``preds[s][l]`` and ``targets[s][l]`` are (B, K, H, W) for stage s and scale l (coarsest
    first); ``labelled`` and ``visible`` are (B, K). Returns ``{'loss_stage{s+1}': scalar}`` (plus the
    per-scale values with ``log_scale_losses``).
    """

    def __init__(self,
                 scale_weights: Sequence[float] = (0.25, 0.25, 0.25, 1.0),
                 use_ohkm: bool = True,
                 ohkm_topk: int = 8,
                 mask_policy: str = 'labelled',
                 loss_weight: float = 1.0,
                 log_scale_losses: bool = True) -> None:
        super().__init__()
        if mask_policy not in MASK_POLICIES:
            raise ValueError(f'mask_policy must be one of {MASK_POLICIES}, got {mask_policy!r}')
        if ohkm_topk < 1:
            raise ValueError(f'ohkm_topk must be >= 1, got {ohkm_topk}')
        self.scale_weights = tuple(float(w) for w in scale_weights)
        self.use_ohkm = use_ohkm
        self.ohkm_topk = ohkm_topk
        self.mask_policy = mask_policy
        self.loss_weight = loss_weight
        self.log_scale_losses = log_scale_losses
        self._labelled_seen = 0
        self._flags_checked = mask_policy != 'visible'

    def _check_visibility_flags(self, labelled: Tensor, visible: Tensor) -> None:
        """Decide once, over the first labelled joints of a run, whether the data has visible flags at all (the
        host syncs only until then)."""
        if visible.sum() > 0:
            self._flags_checked = True
            return
        self._labelled_seen += int(labelled.sum())
        if self._labelled_seen >= VISIBILITY_CHECK_JOINTS:
            raise ValueError(f"mask_policy='visible' needs COCO visibility flags (2 = visible), but none of the first "
                             f'{self._labelled_seen} labelled joints is flagged visible: the flags were clipped to '
                             '0/1 (MMPose\'s loaders do this; put KeepVisibilityFlags after the image loading step) '
                             "or the data has no such flags (use mask_policy='labelled')")

    def forward(self, preds: Sequence[Sequence[Tensor]], targets: Sequence[Sequence[Tensor]],
                labelled: Tensor, visible: Tensor) -> dict[str, Tensor]:
        if not self._flags_checked:
            self._check_visibility_flags(labelled, visible)
        losses = {}
        for s, (stage_preds, stage_targets) in enumerate(zip(preds, targets, strict=True)):
            if len(stage_preds) != len(self.scale_weights):
                raise ValueError(f'{len(self.scale_weights)} scale_weights for {len(stage_preds)} scales')
            total = torch.zeros((), device=labelled.device)
            finest = len(stage_preds) - 1
            for scale, (pred, target) in enumerate(zip(stage_preds, stage_targets, strict=True)):
                if scale == finest and self.use_ohkm:
                    loss = ohkm_l2_loss(pred, target, labelled, self.ohkm_topk)
                else:
                    loss = plain_l2_loss(pred, target, labelled, visible, self.mask_policy)
                total = total + self.scale_weights[scale] * loss
                if self.log_scale_losses:
                    losses[f'stage{s + 1}_scale{scale + 1}_l2'] = loss.detach()
            losses[f'loss_stage{s + 1}'] = total * self.loss_weight
        return losses
