"""The multi-stage trunk of MSPN: a stem, then N GlobalNet-style stages with cross-stage aggregation.

Paper: Li et al., "Rethinking on Multi-Stage Networks for Human Pose Estimation", 2019,
https://arxiv.org/abs/1901.00148, sections 3.1 (single-stage module) and 3.2 (cross-stage aggregation).

Shape legend: B batch, C_i channels of down-unit scale i (finest first: 1/4, 1/8, 1/16, 1/32 of the input),
U up-unit channels (256).
"""
from collections.abc import Sequence

import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpose.models.backbones.base_backbone import BaseBackbone
from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptMultiConfig
from torch import Tensor
from torch.nn.modules.batchnorm import _BatchNorm

from ...checkpoint import load_imagenet_resnet, rename_mmpose_keys
from ..necks.globalnet_neck import GlobalNetNeck
from .down_units import build_down_unit


class CrossStageAggregation(BaseModule):
    """Section 3.2: for each scale, 1x1 conv flows from the previous stage's down and up features.

    Shapes: ``prev_down`` finest first (B, C_i, ...), ``prev_up`` coarsest first (B, U, ...); returns the
    per-scale sums, finest first, to be added after each layer of the next down unit.
    """

    def __init__(self, down_channels: Sequence[int], up_channels: int, norm_cfg: ConfigType) -> None:
        super().__init__()
        self.from_down = nn.ModuleList(ConvModule(c, c, 1, norm_cfg=norm_cfg) for c in down_channels)
        self.from_up = nn.ModuleList(ConvModule(up_channels, c, 1, norm_cfg=norm_cfg) for c in down_channels)

    def forward(self, prev_down: Sequence[Tensor], prev_up: Sequence[Tensor]) -> list[Tensor]:
        prev_up_fine_first = list(reversed(prev_up))
        return [self.from_down[i](prev_down[i]) + self.from_up[i](prev_up_fine_first[i])
                for i in range(len(prev_down))]


DEFAULT_INIT = (dict(type='Kaiming', layer=['Conv2d']),
                dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm']))


class MSPNStage(BaseModule):
    """One single-stage module: (transition) -> down unit (+ aggregation) -> GlobalNet up unit.

    The first stage reads the stem output; later stages read the previous stage's finest up feature
    through a 1x1 conv to ``stem_channels`` (the transition) and, when ``aggregate`` is on, add the
    cross-stage flows after each down layer.
    """

    def __init__(self, down_unit: ConfigType, stem_channels: int, up_channels: int, is_first: bool,
                 aggregate: bool, norm_cfg: ConfigType, with_cp: bool) -> None:
        super().__init__()
        self.transition = None if is_first else ConvModule(up_channels, stem_channels, 1, norm_cfg=norm_cfg)
        self.down_unit = build_down_unit(down_unit, stem_channels, norm_cfg=norm_cfg, with_cp=with_cp)
        self.aggregation = (CrossStageAggregation(self.down_unit.out_channels, up_channels, norm_cfg)
                            if aggregate and not is_first else None)
        self.up_unit = GlobalNetNeck(self.down_unit.out_channels, up_channels, norm_cfg=norm_cfg)

    def forward(self, x: Tensor, prev: tuple[list[Tensor], tuple[Tensor, ...]] | None = None
                ) -> tuple[list[Tensor], tuple[Tensor, ...]]:
        additions = None
        if prev is not None:
            prev_down, prev_up = prev
            x = self.transition(prev_up[-1])
            if self.aggregation is not None:
                additions = self.aggregation(prev_down, prev_up)
        down = self.down_unit(x, additions)
        return down, self.up_unit(down)


@MODELS.register_module()
class MSPNBackbone(BaseBackbone):
    """Multi-Stage Pose Network trunk: stem once, then ``num_stages`` down/up stages.

    MMPose's ``MSPN`` builds the same network (its checkpoints load here) but takes only Bottleneck down units and
    passes ``norm_cfg`` to the first block of each layer only; any 4-scale backbone is a down unit here.

    Args:
        num_stages: number of stacked single-stage modules (1-4 in the paper).
        down_unit: config of every stage's down unit: any OpenMMLab backbone whose four scale layers are taken
            (its stem dropped), e.g. ``dict(type='ResNet', depth=18)`` for ``2xRes-18``, ``ResNeXt``,
            ``mmpretrain.ResNet``; or an :class:`MSPNDownUnit` type such as ``XceptionDownUnit``.
        stem_channels: channels of the stem (7x7/2 conv + max-pool) and of each stage transition.
        up_channels: channels of every up-unit scale (256 in the paper).
        cross_stage_aggregation: add the previous stage's down/up flows (section 3.2); off for ablations.
        norm_cfg: norm layer config, used by every norm layer of the trunk.
        frozen_stages: -1 trains everything; 0 freezes the stem; n >= 1 also freezes stages 1..n.
        norm_eval: keep BatchNorm layers in eval mode (frozen statistics) during training.
        with_cp: gradient checkpointing inside the residual blocks (less memory, more compute).
        init_cfg: MMEngine init configs; a ``dict(type='Pretrained', checkpoint=PATH, prefix='')`` entry is read
            as an ImageNet ResNet (a path, URL or ``torchvision://resnet50``; torchvision / timm names ``conv1``,
            ``bn1``, ``layer1-4``; MMPretrain files with ``prefix='backbone.'``) and copied into the stem and the
            down unit of every stage (or of ``stages=[...]`` only), after the random init of everything else (see
            :func:`~mspn_plugin.checkpoint.load_imagenet_resnet`); a file already in our layout (an MSPN backbone,
            or a pose model with ``prefix='backbone.'``) is loaded as it is.

    Shapes:
        in: (B, 3, H, W) with H and W divisible by 32.
        out: a tuple with one entry per stage; each entry is a tuple of ``num_scales`` = 4 maps
        (B, up_channels, H/2^(5-l), W/2^(5-l)), **coarsest first** (1/32 ... 1/4).
    """

    def __init__(self,
                 num_stages: int = 2,
                 down_unit: ConfigType = dict(type='ResNet', depth=50),  # noqa: B006 (never mutated)
                 stem_channels: int = 64,
                 up_channels: int = 256,
                 cross_stage_aggregation: bool = True,
                 norm_cfg: ConfigType | None = None,
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 init_cfg: OptMultiConfig = DEFAULT_INIT
                 ) -> None:
        init_cfgs = list(init_cfg) if isinstance(init_cfg, list | tuple) else [init_cfg] if init_cfg else []
        self.pretrained = [cfg for cfg in init_cfgs if cfg.get('type') == 'Pretrained']
        random_init = [cfg for cfg in init_cfgs if cfg.get('type') != 'Pretrained'] or list(DEFAULT_INIT)
        super().__init__(init_cfg=random_init)
        if num_stages < 1:
            raise ValueError(f'num_stages must be >= 1, got {num_stages}')
        if not -1 <= frozen_stages <= num_stages:
            raise ValueError(f'frozen_stages must be in [-1, {num_stages}], got {frozen_stages}')
        norm_cfg = dict(norm_cfg or dict(type='BN'))
        self.num_stages = num_stages
        self.num_scales = 4
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.stem = nn.Sequential(
            ConvModule(3, stem_channels, 7, stride=2, padding=3, norm_cfg=norm_cfg),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        self.stages = nn.ModuleList(
            MSPNStage(down_unit, stem_channels, up_channels, is_first=i == 0, aggregate=cross_stage_aggregation,
                      norm_cfg=norm_cfg, with_cp=with_cp) for i in range(num_stages))
        self._freeze_stages()

    def forward(self, x: Tensor) -> tuple[tuple[Tensor, ...], ...]:
        if x.shape[-1] % 32 or x.shape[-2] % 32:
            raise ValueError(f'{type(self).__name__} needs input height and width divisible by 32, '
                             f'got {tuple(x.shape[-2:])}')
        x = self.stem(x)
        outs = []
        prev = None
        for stage in self.stages:
            prev = stage(x, prev)
            outs.append(prev[1])
        return tuple(outs)

    def init_weights(self) -> None:
        super().init_weights()
        for cfg in self.pretrained:
            load_imagenet_resnet(self, cfg['checkpoint'], prefix=cfg.get('prefix', ''), stages=cfg.get('stages'))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        # MMPose's MSPN checkpoints (model zoo, ``load_from``) load as they are: their key names become ours
        rename_mmpose_keys(state_dict, prefix, 'backbone')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def _freeze_stages(self) -> None:
        frozen = ([self.stem] if self.frozen_stages >= 0 else []) + list(self.stages[:max(self.frozen_stages, 0)])
        for module in frozen:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'MSPNBackbone':
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self


__all__ = ['MSPNBackbone', 'MSPNStage', 'CrossStageAggregation']
