"""Refuse checkpoints whose weights do not fit the model, instead of loading them partly (MMEngine's default)."""
import re
from typing import Any

import torch.nn as nn
from mmengine.runner.checkpoint import _load_checkpoint

from .errors import InputError

WRAPPER_PREFIX = r'^module\.'  # what distributed training adds to every key
SIZE_MISMATCH = re.compile(r'size mismatch for (\S+): copying a param with shape torch\.Size\((\[.*?\])\) from '
                           r'checkpoint, the shape in current model is torch\.Size\((\[.*?\])\)')


class CheckpointMismatchError(InputError, RuntimeError):
    """A checkpoint's weights do not fit the model (another number of stages, keypoints, channels, ...)."""


def _listed(keys: list[str], shown: int = 4) -> str:
    return ', '.join(keys[:shown]) + (f' and {len(keys) - shown} more' if len(keys) > shown else '')


def _shape(listed: str) -> tuple[int, ...]:
    return tuple(int(size) for size in listed.strip('[]').split(',') if size.strip())


def load_fitting_state_dict(model: nn.Module, state_dict: dict[str, Any], filename: str) -> None:
    """Load ``state_dict`` into ``model``; raise :class:`CheckpointMismatchError` naming ``filename`` and the first
    mismatching keys unless it has exactly the model's keys and shapes.

    Keys are compared as the model's load hooks see them, so files that the model renames on load (MMPose's MSPN
    checkpoints, MMPose 0.x ``keypoint_head.``) are accepted.
    """
    state_dict = {re.sub(WRAPPER_PREFIX, '', key): value for key, value in state_dict.items()}
    reshaped = []
    try:
        result = model.load_state_dict(state_dict, strict=False)
        missing, unexpected = result.missing_keys, result.unexpected_keys
    except RuntimeError as error:  # PyTorch reports every shape mismatch at once, after loading the rest
        reshaped = [f'{key} {_shape(theirs)} vs {_shape(ours)}'
                    for key, theirs, ours in SIZE_MISMATCH.findall(str(error))]
        if not reshaped:
            raise
        missing = unexpected = []
    problems = [f'{len(keys)} {what}: {_listed(keys)}' for what, keys in (
        ('missing keys', missing), ('unexpected keys', unexpected),
        ('keys of another shape (checkpoint vs model)', reshaped)) if keys]
    if problems:
        raise CheckpointMismatchError(f'{filename}: the weights do not fit the model (another number of stages or '
                                      f'keypoints?): {"; ".join(problems)}')


def load_checked_checkpoint(model: nn.Module, filename: str) -> dict[str, Any]:
    """Load ``filename`` (weights-only) into ``model`` with :func:`load_fitting_state_dict`; returns the checkpoint."""
    checkpoint = _load_checkpoint(filename, map_location='cpu')
    load_fitting_state_dict(model, checkpoint.get('state_dict', checkpoint), filename)
    return checkpoint
