"""The authors' MSPN checkpoints (megvii-detection/MSPN) mapped onto this package's layout.

Their files are ``{'model': state_dict, 'optimizer', 'scheduler', 'iteration'}`` (``exps/mspn.*/network.py``).
Every conv there has a bias and is followed by BatchNorm (``<unit>.conv`` + ``<unit>.bn``), and the network reads
BGR images in [0, 1] normalised with their mean/std. The conversion folds each conv bias into the following
BatchNorm and the colour order and normalisation into the first conv, so that the converted model takes our data
preprocessor's input (RGB, 0-255, ``mean``/``std``) and gives the same heatmaps.
"""
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

import torch
from torch import Tensor

from ..utils.imagenet import IMAGENET_RGB_MEAN, IMAGENET_RGB_STD
from .mmpose_keys import NUM_SCALES

# The authors' input normalisation (their config.py, INPUT.MEANS / INPUT.STDS), BGR order, images in [0, 1].
AUTHORS_BGR_MEAN = (0.406, 0.456, 0.485)
AUTHORS_BGR_STD = (0.225, 0.224, 0.229)
# Our configs' data_preprocessor (RGB, 0-255): the same ImageNet statistics.


def _down_block(m: re.Match) -> str:
    return f'backbone.stages.{m[1]}.down_unit.layers.{int(m[2]) - 1}.{m[3]}'


def _conv_module(name: str) -> tuple[str, str]:
    return f'{name}.conv', f'{name}.bn'


_FIRST_CONV = 'top.conv'
_STAGE_UP = r'stage(\d+)\.upsample\.up'
# The authors' conv+BN units -> (our conv, our norm layer). ``up1`` is their 1/32 scale, ``up4`` the 1/4 one;
# skip1/skip2/cross_conv of stage i feed stage i + 1.
_AUTHORS_UNITS: list[tuple[re.Pattern, Callable[[re.Match], tuple[str, str]]]] = [
    (re.compile(re.escape(_FIRST_CONV)), lambda m: _conv_module('backbone.stem.0')),
    (re.compile(r'stage(\d+)\.downsample\.layer([1-4])\.(\d+)\.conv_bn_relu([1-3])'),
     lambda m: (f'{_down_block(m)}.conv{m[4]}', f'{_down_block(m)}.bn{m[4]}')),
    (re.compile(r'stage(\d+)\.downsample\.layer([1-4])\.(\d+)\.downsample'),
     lambda m: (f'{_down_block(m)}.downsample.0', f'{_down_block(m)}.downsample.1')),
    (re.compile(_STAGE_UP + r'([1-4])\.u_skip'),
     lambda m: _conv_module(f'backbone.stages.{m[1]}.up_unit.lateral_convs.{int(m[2]) - 1}')),
    (re.compile(_STAGE_UP + r'([2-4])\.up_conv'),
     lambda m: _conv_module(f'backbone.stages.{m[1]}.up_unit.upsample_convs.{int(m[2]) - 2}')),
    (re.compile(_STAGE_UP + r'([1-4])\.skip1'),
     lambda m: _conv_module(f'backbone.stages.{int(m[1]) + 1}.aggregation.from_down.{NUM_SCALES - int(m[2])}')),
    (re.compile(_STAGE_UP + r'([1-4])\.skip2'),
     lambda m: _conv_module(f'backbone.stages.{int(m[1]) + 1}.aggregation.from_up.{NUM_SCALES - int(m[2])}')),
    (re.compile(_STAGE_UP + r'4\.cross_conv'),
     lambda m: _conv_module(f'backbone.stages.{int(m[1]) + 1}.transition')),
    (re.compile(_STAGE_UP + r'([1-4])\.res_conv([12])'),
     lambda m: _conv_module(f'head.predictors.{m[1]}.{int(m[2]) - 1}.convs.{int(m[3]) - 1}')),
]
_AUTHORS_TENSOR = re.compile(r'(.+)\.(conv\.weight|conv\.bias|bn\.weight|bn\.bias|bn\.running_mean|bn\.running_var'
                             r'|bn\.num_batches_tracked)')
_REQUIRED = ('conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var')


def _authors_unit_target(unit: str) -> tuple[str, str] | None:
    for pattern, target in _AUTHORS_UNITS:
        match = pattern.fullmatch(unit)
        if match:
            return target(match)
    return None


def fold_authors_input_normalisation(weight: Tensor, mean: Sequence[float] = IMAGENET_RGB_MEAN,
                                     std: Sequence[float] = IMAGENET_RGB_STD) -> Tensor:
    """The authors' first-conv weights (O, 3, k, k), which read BGR in [0, 1] normalised with their mean/std,
    turned into weights (O, 3, k, k) that read RGB 0-255 normalised with ``mean``/``std``.

    Their input channel ``2 - c`` equals ``alpha_c * ours_c + beta_c`` with ``alpha_c = std_c / (255 theirs_std)``
    and ``beta_c = (mean_c - 255 theirs_mean) / (255 theirs_std)``. The scale folds into the weights exactly; an
    offset would fold into the bias only away from the border, because the conv's zero padding is then a
    different image value in the two input spaces. So ``mean`` must be 255 x theirs (``beta = 0``): both paddings
    are then the same image value (the mean colour) and the fold is exact everywhere, border included.

    Raises:
        ValueError: ``mean`` is not 255 x the authors' mean (RGB order).
    """
    their_mean = torch.tensor(AUTHORS_BGR_MEAN[::-1], dtype=torch.float64) * 255
    their_std = torch.tensor(AUTHORS_BGR_STD[::-1], dtype=torch.float64) * 255
    mean_t = torch.tensor(mean, dtype=torch.float64)
    if mean_t.shape != (3,) or not torch.allclose(mean_t, their_mean, rtol=0, atol=1e-4):
        raise ValueError(f'the data preprocessor mean {list(mean)} (RGB, 0-255) must be 255 x the authors\' mean, '
                         f'{[round(v, 4) for v in their_mean.tolist()]}: otherwise the first conv\'s zero padding '
                         'stands for different image values and no folded conv reproduces theirs at the border')
    scale = torch.tensor(std, dtype=torch.float64) / their_std
    return (weight.double().flip(1) * scale.view(1, 3, 1, 1)).to(weight.dtype)


def convert_authors_state_dict(state_dict: Mapping[str, Tensor], mean: Sequence[float] = IMAGENET_RGB_MEAN,
                               std: Sequence[float] = IMAGENET_RGB_STD) -> 'OrderedDict[str, Tensor]':
    """Map the authors' MSPN state dict (``{'model': ...}`` of their files) onto ours, folding each conv bias
    into the following BatchNorm (``running_mean -= bias``, exact) and their input normalisation into the first
    conv (:func:`fold_authors_input_normalisation`) for a data preprocessor with ``mean``/``std`` (RGB, 0-255).

    Raises:
        KeyError: naming the keys that belong to no known unit, or the units that lack some of their tensors.
        ValueError: ``mean`` is not 255 x the authors' mean (see :func:`fold_authors_input_normalisation`).
    """
    units: dict[str, dict[str, Tensor]] = {}
    unknown = []
    for key, value in state_dict.items():
        match = _AUTHORS_TENSOR.fullmatch(key.removeprefix('module.'))
        if match is None or _authors_unit_target(match[1]) is None:
            unknown.append(key)
        else:
            units.setdefault(match[1], {})[match[2]] = value
    if unknown:
        raise KeyError(f'{len(unknown)} keys are not part of the authors\' MSPN: {unknown[:10]}')
    incomplete = {unit: [name for name in _REQUIRED if name not in tensors]
                  for unit, tensors in units.items() if not set(_REQUIRED) <= tensors.keys()}
    if incomplete:
        raise KeyError(f'{len(incomplete)} conv+BN units of the authors\' MSPN lack tensors: '
                       f'{dict(list(incomplete.items())[:5])}')
    converted: OrderedDict[str, Tensor] = OrderedDict()
    for unit, tensors in units.items():
        conv, norm = _authors_unit_target(unit)
        weight = tensors['conv.weight']
        if unit == _FIRST_CONV:
            weight = fold_authors_input_normalisation(weight, mean, std)
        converted[f'{conv}.weight'] = weight
        for name, value in tensors.items():
            if name.startswith('bn.'):
                converted[f'{norm}.{name[3:]}'] = value
        # BN(conv(x) + b) = BN'(conv(x)) with BN' the same layer whose running mean is shifted by b
        converted[f'{norm}.running_mean'] = tensors['bn.running_mean'] - tensors['conv.bias']
    return converted
