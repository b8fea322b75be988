"""Refuse checkpoints whose weights do not fit the model, instead of loading them partly (MMEngine's default)."""
import re
from typing import Any

import torch.nn as nn
from mmengine.runner.checkpoint import _load_checkpoint

from .errors import InputError

WRAPPER_PREFIX = r'^module\.'  # what distributed training adds to every key


class CheckpointMismatchError(InputError, RuntimeError):
    """A checkpoint's weights do not fit the model (another number of stages, keypoints, channels, ...)."""


def _listed(keys: list[str], shown: int = 4) -> str:
    return ', '.join(keys[:shown]) + (f' and {len(keys) - shown} more' if len(keys) > shown else '')


def check_state_dict(model: nn.Module, state_dict: dict[str, Any], filename: str) -> None:
    """Raise :class:`CheckpointMismatchError` naming ``filename`` and the first mismatching keys unless
    ``state_dict`` has exactly the keys and shapes of ``model``'s."""
    state_dict = {re.sub(WRAPPER_PREFIX, '', key): value for key, value in state_dict.items()}
    expected = model.state_dict()
    missing = [key for key in expected if key not in state_dict]
    unexpected = [key for key in state_dict if key not in expected]
    reshaped = [f'{key} {tuple(state_dict[key].shape)} vs {tuple(value.shape)}' for key, value in expected.items()
                if key in state_dict and tuple(getattr(state_dict[key], 'shape', ())) != tuple(value.shape)]
    problems = [f'{len(keys)} {what}: {_listed(keys)}' for what, keys in (
        ('missing keys', missing), ('unexpected keys', unexpected),
        ('keys of another shape (checkpoint vs model)', reshaped)) if keys]
    if problems:
        raise CheckpointMismatchError(f'{filename}: the weights do not fit the model (another number of stages or '
                                      f'keypoints?): {"; ".join(problems)}')


def load_checked_checkpoint(model: nn.Module, filename: str) -> dict[str, Any]:
    """Load ``filename`` (weights-only) into ``model`` after :func:`check_state_dict`; returns the checkpoint."""
    checkpoint = _load_checkpoint(filename, map_location='cpu')
    state_dict = checkpoint.get('state_dict', checkpoint)
    check_state_dict(model, state_dict, filename)
    model.load_state_dict({re.sub(WRAPPER_PREFIX, '', key): value for key, value in state_dict.items()})
    return checkpoint
