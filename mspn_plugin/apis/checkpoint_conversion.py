"""Map MMPose MSPN checkpoints (``MSPN`` backbone + ``MSPNHead``) onto this package's layout.

MMPose keeps the cross-stage 1x1 convs and the stage transition in the *sending* stage's up module
(``out_skip1``, ``out_skip2``, ``cross_conv``); here they belong to the *receiving* stage
(``aggregation.from_down``, ``aggregation.from_up``, ``transition``). MMPose numbers up units from the
coarsest scale (``up1`` = 1/32) while our aggregation lists are finest first.
"""
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping

from torch import Tensor

NUM_SCALES = 4

_Rule = tuple[re.Pattern, Callable[[re.Match], str]]


def _fine_first(up_unit: str) -> int:
    return NUM_SCALES - int(up_unit)


_MMPOSE_RULES: list[_Rule] = [
    (re.compile(r'backbone\.top\.top\.0\.(.+)'), lambda m: f'backbone.stem.0.{m[1]}'),
    (re.compile(r'backbone\.multi_stage_mspn\.(\d+)\.downsample\.layer(\d)\.(\d+)\.downsample\.conv\.(.+)'),
     lambda m: f'backbone.stages.{m[1]}.down_unit.layers.{int(m[2]) - 1}.{m[3]}.downsample.0.{m[4]}'),
    (re.compile(r'backbone\.multi_stage_mspn\.(\d+)\.downsample\.layer(\d)\.(\d+)\.downsample\.bn\.(.+)'),
     lambda m: f'backbone.stages.{m[1]}.down_unit.layers.{int(m[2]) - 1}.{m[3]}.downsample.1.{m[4]}'),
    (re.compile(r'backbone\.multi_stage_mspn\.(\d+)\.downsample\.layer(\d)\.(.+)'),
     lambda m: f'backbone.stages.{m[1]}.down_unit.layers.{int(m[2]) - 1}.{m[3]}'),
    (re.compile(r'backbone\.multi_stage_mspn\.(\d+)\.upsample\.up(\d)\.in_skip\.(.+)'),
     lambda m: f'backbone.stages.{m[1]}.up_unit.lateral_convs.{int(m[2]) - 1}.{m[3]}'),
    (re.compile(r'backbone\.multi_stage_mspn\.(\d+)\.upsample\.up(\d)\.up_conv\.(.+)'),
     lambda m: f'backbone.stages.{m[1]}.up_unit.upsample_convs.{int(m[2]) - 2}.{m[3]}'),
    (re.compile(r'backbone\.multi_stage_mspn\.(\d+)\.upsample\.up(\d)\.out_skip1\.(.+)'),
     lambda m: f'backbone.stages.{int(m[1]) + 1}.aggregation.from_down.{_fine_first(m[2])}.{m[3]}'),
    (re.compile(r'backbone\.multi_stage_mspn\.(\d+)\.upsample\.up(\d)\.out_skip2\.(.+)'),
     lambda m: f'backbone.stages.{int(m[1]) + 1}.aggregation.from_up.{_fine_first(m[2])}.{m[3]}'),
    (re.compile(r'backbone\.multi_stage_mspn\.(\d+)\.upsample\.up\d\.cross_conv\.(.+)'),
     lambda m: f'backbone.stages.{int(m[1]) + 1}.transition.{m[2]}'),
    (re.compile(r'head\.predict_layers\.(\d+)\.conv_layers\.(\d)\.(.+)'),
     lambda m: f'head.predictors.{int(m[1]) // NUM_SCALES}.{int(m[1]) % NUM_SCALES}.convs.{m[2]}.{m[3]}'),
]


def convert_mmpose_state_dict(state_dict: Mapping[str, Tensor]) -> 'OrderedDict[str, Tensor]':
    """Rename an MMPose 1.x (``backbone.``/``head.``) or 0.x (``keypoint_head.``) MSPN state dict.

    Raises:
        KeyError: naming every key that matches no rule (e.g. a PRM head, or not an MSPN checkpoint).
    """
    converted: OrderedDict[str, Tensor] = OrderedDict()
    unknown = []
    for key, value in state_dict.items():
        key = re.sub(r'^(module\.)?keypoint_head\.', 'head.', key.removeprefix('module.'))
        for pattern, rename in _MMPOSE_RULES:
            match = pattern.fullmatch(key)
            if match:
                converted[rename(match)] = value
                break
        else:
            unknown.append(key)
    if unknown:
        raise KeyError(f'{len(unknown)} keys are not part of an MMPose MSPN model: {unknown[:10]}')
    return converted


def extract_state_dict(checkpoint: Mapping) -> Mapping[str, Tensor]:
    """The state dict inside a checkpoint file's content (``state_dict`` / ``model`` / bare)."""
    for key in ('state_dict', 'model'):
        if key in checkpoint and isinstance(checkpoint[key], Mapping):
            return checkpoint[key]
    if all(isinstance(v, Tensor) for v in checkpoint.values()):
        return checkpoint
    raise KeyError(f'no state dict found in the checkpoint (top-level keys: {sorted(checkpoint)[:10]})')
