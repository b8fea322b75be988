"""Hands one stage of :class:`MSPNBackbone` to heads that read a flat tuple of maps."""
from collections.abc import Sequence

import torch.nn as nn
from mmpose.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class SelectStageNeck(nn.Module):
    """Picks stage ``stage`` of an MSPN trunk's output (default: the last one).

    Lets single-output heads such as MMPose's ``HeatmapHead`` (which reads ``feats[-1]``, here the finest map)
    sit on :class:`MSPNBackbone`.

    Shapes: in S stages of L maps (B, U, h_l, w_l), coarsest first; out the chosen stage's L maps.
    """

    def __init__(self, stage: int = -1) -> None:
        super().__init__()
        self.stage = stage

    def forward(self, feats: Sequence[Sequence[Tensor]]) -> tuple[Tensor, ...]:
        if isinstance(feats[0], Tensor):
            raise ValueError(f'{type(self).__name__} expects per-stage features (MSPNBackbone output), '
                             'got a flat sequence of maps')
        return tuple(feats[self.stage])
