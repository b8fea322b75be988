"""MMPose's names for MSPN's weights (``MSPN`` backbone + ``MSPNHead``, 0.x and 1.x alike) and ours.

MMPose keeps the cross-stage 1x1 convs and the stage transition in the *sending* stage's up module
(``out_skip1``, ``out_skip2``, ``cross_conv``); here they belong to the *receiving* stage
(``aggregation.from_down``, ``aggregation.from_up``, ``transition``). MMPose numbers up units from the
coarsest scale (``up1`` = 1/32) while our aggregation lists are finest first.

Used by the load hooks of :class:`~mspn_plugin.models.MSPNBackbone` and :class:`~mspn_plugin.models.MSPNHeatmapHead`,
so that MMPose checkpoints load as they are (``load_from``, ``init_model``), and by
:func:`convert_mmpose_state_dict`, which writes a converted file (``tools/convert_checkpoint.py --from mmpose``).
"""
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, MutableMapping

from torch import Tensor

NUM_SCALES = 4

_Rule = tuple[re.Pattern, Callable[[re.Match], str]]


def _fine_first(up_unit: str) -> int:
    return NUM_SCALES - int(up_unit)


_STAGE = r'multi_stage_mspn\.(\d+)'

# Keys relative to the module: MMPose's ``MSPN`` -> our ``MSPNBackbone``, MMPose's ``MSPNHead`` -> our head.
_RULES: dict[str, list[_Rule]] = {
    'backbone': [
        (re.compile(r'top\.top\.0\.(.+)'), lambda m: f'stem.0.{m[1]}'),
        (re.compile(_STAGE + r'\.downsample\.layer(\d)\.(\d+)\.downsample\.conv\.(.+)'),
         lambda m: f'stages.{m[1]}.down_unit.layers.{int(m[2]) - 1}.{m[3]}.downsample.0.{m[4]}'),
        (re.compile(_STAGE + r'\.downsample\.layer(\d)\.(\d+)\.downsample\.bn\.(.+)'),
         lambda m: f'stages.{m[1]}.down_unit.layers.{int(m[2]) - 1}.{m[3]}.downsample.1.{m[4]}'),
        (re.compile(_STAGE + r'\.downsample\.layer(\d)\.(.+)'),
         lambda m: f'stages.{m[1]}.down_unit.layers.{int(m[2]) - 1}.{m[3]}'),
        (re.compile(_STAGE + r'\.upsample\.up(\d)\.in_skip\.(.+)'),
         lambda m: f'stages.{m[1]}.up_unit.lateral_convs.{int(m[2]) - 1}.{m[3]}'),
        (re.compile(_STAGE + r'\.upsample\.up([2-9])\.up_conv\.(.+)'),
         lambda m: f'stages.{m[1]}.up_unit.upsample_convs.{int(m[2]) - 2}.{m[3]}'),
        (re.compile(_STAGE + r'\.upsample\.up(\d)\.out_skip1\.(.+)'),
         lambda m: f'stages.{int(m[1]) + 1}.aggregation.from_down.{_fine_first(m[2])}.{m[3]}'),
        (re.compile(_STAGE + r'\.upsample\.up(\d)\.out_skip2\.(.+)'),
         lambda m: f'stages.{int(m[1]) + 1}.aggregation.from_up.{_fine_first(m[2])}.{m[3]}'),
        (re.compile(_STAGE + r'\.upsample\.up\d\.cross_conv\.(.+)'),
         lambda m: f'stages.{int(m[1]) + 1}.transition.{m[2]}'),
    ],
    'head': [
        (re.compile(r'predict_layers\.(\d+)\.conv_layers\.(\d)\.(.+)'),
         lambda m: f'predictors.{int(m[1]) // NUM_SCALES}.{int(m[1]) % NUM_SCALES}.convs.{m[2]}.{m[3]}'),
    ],
}


def rename_mmpose_key(part: str, key: str) -> str | None:
    """Our name for ``key`` of MMPose's ``part`` (``'backbone'`` or ``'head'``), both relative to that
    module (``'top.top.0.conv.weight'`` -> ``'stem.0.conv.weight'``); None when ``key`` is not an MMPose
    MSPN name (for example one of ours, or a PRM head's)."""
    for pattern, rename in _RULES[part]:
        match = pattern.fullmatch(key)
        if match:
            return rename(match)
    return None


def rename_mmpose_keys(state_dict: MutableMapping, prefix: str, part: str) -> None:
    """Rename, in place, the MMPose names under ``prefix`` (the module's prefix in a load hook, e.g.
    ``'backbone.'``) to ours; every other key, ours included, is left alone."""
    for key in [k for k in state_dict if k.startswith(prefix)]:
        new = rename_mmpose_key(part, key[len(prefix):])
        if new is not None:
            state_dict[prefix + new] = state_dict.pop(key)


def convert_mmpose_state_dict(state_dict: Mapping[str, Tensor]) -> 'OrderedDict[str, Tensor]':
    """Rename an MMPose 1.x (``backbone.``/``head.``) or 0.x (``keypoint_head.``) MSPN state dict.

    Raises:
        KeyError: naming every key that matches no rule (e.g. a PRM head, or not an MSPN checkpoint).
    """
    converted: OrderedDict[str, Tensor] = OrderedDict()
    unknown = []
    for key, value in state_dict.items():
        key = re.sub(r'^keypoint_head\.', 'head.', key.removeprefix('module.'))
        part, _, rest = key.partition('.')
        new = rename_mmpose_key(part, rest) if part in ('backbone', 'head') else None
        if new is None:
            unknown.append(key)
        else:
            converted[f'{part}.{new}'] = value
    if unknown:
        raise KeyError(f'{len(unknown)} keys are not part of an MMPose MSPN model: {unknown[:10]}')
    return converted
