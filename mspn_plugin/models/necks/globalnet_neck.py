"""GlobalNet's up-sampling path (CPN, Chen et al. 2018), the "up unit" of every MSPN stage.

Paper: Li et al., "Rethinking on Multi-Stage Networks for Human Pose Estimation", section 3.1: the up path
keeps 256 channels at every scale while the down path doubles its channels at each down-sampling.
"""
from collections.abc import Sequence

import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptMultiConfig
from torch import Tensor


@MODELS.register_module()
class GlobalNetNeck(BaseModule):
    """Top-down GlobalNet path over a 4-scale (or any multi-scale) backbone.

    Each scale gets a 1x1 conv + norm on its lateral input; from the second coarsest scale on, the
    previous (coarser) output is bilinearly up-sampled to this scale, passed through a 1x1 conv + norm
    and added; the sum goes through ReLU.

    Args:
        in_channels: channels of the backbone features, finest scale first (OpenMMLab's backbone order,
            e.g. ``(256, 512, 1024, 2048)`` for ResNet-50 or ``(32, 64, 128, 256)`` for HRNet-W32).
        out_channels: channels of every output scale (256 in the paper).
        norm_cfg: norm layer config for every conv.

    Shapes:
        in: a sequence of (B, in_channels[i], H_i, W_i), finest first, strictly shrinking.
        out: a tuple of (B, out_channels, H_i, W_i), **coarsest first**, so ``out[-1]`` is the finest scale
        (what single-output heads such as MMPose's ``HeatmapHead`` read).
    """

    def __init__(self,
                 in_channels: Sequence[int] = (256, 512, 1024, 2048),
                 out_channels: int = 256,
                 norm_cfg: ConfigType | None = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        norm_cfg = norm_cfg or dict(type='BN')
        self.in_channels = tuple(in_channels)
        self.out_channels = out_channels
        coarse_first = self.in_channels[::-1]
        self.lateral_convs = nn.ModuleList(
            ConvModule(c, out_channels, 1, norm_cfg=norm_cfg, act_cfg=None) for c in coarse_first)
        self.upsample_convs = nn.ModuleList(
            ConvModule(out_channels, out_channels, 1, norm_cfg=norm_cfg, act_cfg=None)
            for _ in coarse_first[1:])
        self.relu = nn.ReLU(inplace=True)

    def forward(self, feats: Sequence[Tensor]) -> tuple[Tensor, ...]:
        if len(feats) != len(self.in_channels):
            raise ValueError(f'{type(self).__name__} expects {len(self.in_channels)} feature maps '
                             f'(finest first), got {len(feats)}')
        outs: list[Tensor] = []
        for i, feat in enumerate(reversed(feats)):
            out = self.lateral_convs[i](feat)
            if outs:
                # Up-sample before the 1x1 conv, as both reference implementations do (BN statistics
                # are then taken at the finer resolution).
                coarser = F.interpolate(outs[-1], size=feat.shape[-2:], mode='bilinear', align_corners=True)
                out = out + self.upsample_convs[i - 1](coarser)
            outs.append(self.relu(out))
        return tuple(outs)
