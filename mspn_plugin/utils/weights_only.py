"""MMEngine checkpoints under torch >= 2.6's weights-only unpickler, without switching safety off.

MMEngine 0.10.7 calls ``torch.load`` without ``weights_only``; since torch 2.6 that means weights-only
loading, which refuses the few non-tensor objects MMEngine itself stores (its ``HistoryBuffer`` and
numpy arrays/scalars in the message hub and dataset meta). We allow-list exactly those classes and
replace MMEngine's local-file loader with one that says which file failed and why. Anything else in a
pickle, notably a callable that would run code, is still refused.
"""
import os.path as osp
import pickle
import zipfile
from typing import Any

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

from .errors import InputError


def _numpy_globals() -> list[Any]:
    """numpy's array/scalar reconstructors (module path differs between numpy 1 and 2) and dtypes."""
    core = getattr(np, '_core', None) or np.core
    dtype_classes = [type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDGSUVOMm']
    return [core.multiarray._reconstruct, core.multiarray.scalar, np.ndarray, np.dtype, *dtype_classes]


HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def history_buffer_getattr(owner: Any, name: str) -> Any:
    """Stand-in for ``getattr`` in weights-only unpickling.

    A pickled ``HistoryBuffer`` refers to its statistics functions as ``getattr(HistoryBuffer, 'mean')``;
    allowing the real ``getattr`` would let a crafted file walk from any allowed object to module globals,
    so only those lookups are served.
    """
    if owner is HistoryBuffer and (name in HISTORY_BUFFER_STATISTICS or name in HistoryBuffer._statistics_methods):
        return getattr(owner, name)
    raise pickle.UnpicklingError(f'getattr({owner!r}, {name!r}) is not allowed in a checkpoint')


SAFE_GLOBALS: list[Any] = [HistoryBuffer, *_numpy_globals(), (history_buffer_getattr, 'builtins.getattr')]


class UnsafeCheckpointError(InputError, pickle.UnpicklingError):
    """A checkpoint holds pickled objects outside the weights-only allow-list (possibly code)."""


class CheckpointReadError(InputError, RuntimeError):
    """A checkpoint file is truncated or not a torch checkpoint."""


def load_checkpoint_weights_only(filename: str, map_location: Any = None) -> Any:
    """Load a local checkpoint with ``weights_only=True`` and errors that name the file."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    try:
        return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        raise UnsafeCheckpointError(
            f'refusing to load checkpoint {filename}: it contains pickled objects that weights-only '
            f'loading does not allow (they could run code). Details: {str(error).splitlines()[0]}') from error
    except (RuntimeError, EOFError, zipfile.BadZipFile) as error:
        raise CheckpointReadError(f'checkpoint {filename} is unreadable (truncated or not a torch checkpoint): '
                                  f'{error}') from error


def install_weights_only_loading() -> None:
    """Allow-list MMEngine's checkpoint classes and route MMEngine's local loads through
    :func:`load_checkpoint_weights_only`. Idempotent."""
    torch.serialization.add_safe_globals(SAFE_GLOBALS)
    CheckpointLoader.register_scheme(prefixes='', loader=load_checkpoint_weights_only, force=True)
