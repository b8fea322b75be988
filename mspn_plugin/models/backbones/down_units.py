"""Down units of MSPN stages: four scale blocks, each halving the resolution (but the first).

Paper: Li et al., "Rethinking on Multi-Stage Networks for Human Pose Estimation", section 3.1 (a down unit
doubles its channels at each down-sampling) and Table 3 (Res-18 and Xception-style single-stage modules).

Every down unit has ``layers`` (4 modules applied in sequence, finest scale first) and ``out_channels``;
the cross-stage aggregation of the previous stage is added after each layer.
"""
import inspect
from collections.abc import Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType
from torch import Tensor
from torch.func import functional_call
from torch.utils.checkpoint import checkpoint


class MSPNDownUnit(BaseModule):
    """Base of MSPN down units: runs ``layers`` in sequence and adds the cross-stage flows.

    Shapes: in (B, in_channels, H/4, W/4) (the stem output or the stage transition); out a list of 4 maps
    (B, out_channels[i], H/2^(i+2), W/2^(i+2)), finest first. ``additions`` (same shapes as the output) are
    added after each layer.
    """

    layers: nn.ModuleList
    out_channels: list[int]

    def forward(self, x: Tensor, additions: Sequence[Tensor] | None = None) -> list[Tensor]:
        outs = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if additions is not None:
                x = x + additions[i]
            outs.append(x)
        return outs


@MODELS.register_module()
class BackboneLayersDownUnit(MSPNDownUnit):
    """The four scale layers of an OpenMMLab backbone, its stem dropped, as an MSPN down unit.

    Works for any backbone built by ``mmpose.registry.MODELS`` (``mmpretrain.`` types too, when MMPretrain is
    installed) whose scales come from four sequential sub-modules: the ResNet family (``ResNet``, ``ResNetV1d``,
    ``ResNeXt``, ``SEResNet``, ``SEResNeXt``, ``ResNeSt``) lists them in ``res_layers``; for others name them in
    ``layer_names``. ``stem_channels`` (ResNet family) is set to ``in_channels`` so that the first layer reads
    the MSPN stem / transition; ``norm_cfg`` and ``with_cp`` are passed on when the backbone takes them and its
    config does not set them.

    Shapes: see :class:`MSPNDownUnit`; ``out_channels`` is measured with a dry run at build time.
    """

    def __init__(self, backbone: ConfigType, in_channels: int, layer_names: Sequence[str] | None = None,
                 norm_cfg: ConfigType | None = None, with_cp: bool = False) -> None:
        super().__init__()
        cfg = dict(backbone)
        defaults = dict(norm_cfg=norm_cfg or dict(type='BN'), with_cp=with_cp)
        if layer_names is None:
            defaults['stem_channels'] = in_channels
        full = MODELS.build({**_accepted_by(MODELS.get(cfg['type']), defaults), **cfg})
        names = list(layer_names if layer_names is not None else getattr(full, 'res_layers', []))
        if len(names) != 4:
            raise ValueError(f'{cfg.get("type")} as an MSPN down unit needs exactly 4 scale layers; found '
                             f'{names or "no res_layers"}: give `layer_names` for this backbone')
        missing = [name for name in names if not isinstance(getattr(full, name, None), nn.Module)]
        if missing:
            raise ValueError(f'{cfg.get("type")} has no sub-module(s) {missing} to use as down-unit layers')
        self.layer_names = names
        self.layers = nn.ModuleList(getattr(full, name) for name in names)
        self.out_channels = _output_channels(self.layers, in_channels)


def _accepted_by(cls: type, kwargs: dict) -> dict:
    """The entries of ``kwargs`` that ``cls`` takes (all of them when it takes ``**kwargs``)."""
    params = inspect.signature(cls).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {key: value for key, value in kwargs.items() if key in params}


def _output_channels(layers: nn.ModuleList, in_channels: int) -> list[int]:
    """Channels of each layer's output, from a dry run on the meta device (shapes only, no arithmetic)."""
    was_training = layers.training
    layers.eval()
    meta = {name: tensor.to('meta') for name, tensor in [*layers.named_parameters(), *layers.named_buffers()]}
    x = torch.zeros(1, in_channels, 64, 64, device='meta')
    channels = []
    with torch.no_grad():
        for i, layer in enumerate(layers):
            own = {name.split('.', 1)[1]: tensor for name, tensor in meta.items() if name.split('.', 1)[0] == str(i)}
            x = functional_call(layer, own, (x,))
            channels.append(x.shape[1])
    layers.train(was_training)
    return channels


class SeparableResidualBlock(BaseModule):
    """Xception block: three 3x3 depthwise-separable convs (+ norm, ReLU between), residual shortcut.

    The third conv carries the stride; the shortcut is a strided 1x1 conv + norm when the shape changes.
    Shapes: in (B, in_channels, h, w); out (B, out_channels, h/stride, w/stride).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int, norm_cfg: ConfigType,
                 with_cp: bool = False) -> None:
        super().__init__()
        self.with_cp = with_cp
        self.convs = nn.Sequential(
            DepthwiseSeparableConvModule(in_channels, out_channels, 3, padding=1, norm_cfg=norm_cfg),
            DepthwiseSeparableConvModule(out_channels, out_channels, 3, padding=1, norm_cfg=norm_cfg),
            DepthwiseSeparableConvModule(out_channels, out_channels, 3, stride=stride, padding=1,
                                         norm_cfg=norm_cfg, pw_act_cfg=None))
        self.shortcut = (nn.Identity() if stride == 1 and in_channels == out_channels else
                         ConvModule(in_channels, out_channels, 1, stride=stride, norm_cfg=norm_cfg, act_cfg=None))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        if self.with_cp and x.requires_grad:
            out = checkpoint(self.convs, x, use_reentrant=False)
        else:
            out = self.convs(x)
        return self.relu(out + self.shortcut(x))


@MODELS.register_module()
class XceptionDownUnit(MSPNDownUnit):
    """Depthwise-separable (Xception-style) down unit, the paper's Table 3 "S-XCP" / "L-XCP" kind.

    Args:
        in_channels: channels of the stem / transition output.
        channels: output channels of the 4 scales (doubling, as in every MSPN down unit).
        num_blocks: :class:`SeparableResidualBlock` count per scale; the first block of scales 2-4 has stride 2.
        norm_cfg, with_cp: as for the other down units.

    Shapes: see :class:`MSPNDownUnit`.
    """

    def __init__(self, in_channels: int, channels: Sequence[int] = (128, 256, 512, 1024),
                 num_blocks: Sequence[int] = (1, 2, 3, 1), norm_cfg: ConfigType | None = None,
                 with_cp: bool = False) -> None:
        super().__init__()
        if len(channels) != 4 or len(num_blocks) != 4 or min(num_blocks) < 1:
            raise ValueError(f'XceptionDownUnit needs 4 channels and 4 block counts >= 1, got {channels}, '
                             f'{num_blocks}')
        norm_cfg = norm_cfg or dict(type='BN')
        layers = []
        for i, (width, count) in enumerate(zip(channels, num_blocks, strict=True)):
            blocks = [SeparableResidualBlock(in_channels if j == 0 else width, width,
                                             stride=2 if i > 0 and j == 0 else 1, norm_cfg=norm_cfg, with_cp=with_cp)
                      for j in range(count)]
            layers.append(nn.Sequential(*blocks))
            in_channels = width
        self.layers = nn.ModuleList(layers)
        self.out_channels = list(channels)


def build_down_unit(cfg: ConfigType, in_channels: int, norm_cfg: ConfigType, with_cp: bool) -> MSPNDownUnit:
    """Build a down unit from ``cfg``: an :class:`MSPNDownUnit` type, or any backbone to take the layers of."""
    unit_type = MODELS.get(cfg['type'])
    if unit_type is None:
        raise KeyError(f'down_unit type {cfg["type"]!r} is not registered in mmpose.registry.MODELS')
    if isinstance(unit_type, type) and issubclass(unit_type, MSPNDownUnit):
        return MODELS.build(dict(dict(in_channels=in_channels, norm_cfg=norm_cfg, with_cp=with_cp), **cfg))
    return BackboneLayersDownUnit(cfg, in_channels, norm_cfg=norm_cfg, with_cp=with_cp)


__all__ = ['MSPNDownUnit', 'BackboneLayersDownUnit', 'XceptionDownUnit', 'SeparableResidualBlock',
           'build_down_unit']
