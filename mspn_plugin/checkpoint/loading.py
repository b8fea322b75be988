"""Reading checkpoint files safely, and loading them into a model only when they fit it.

MMEngine 0.10.7 calls ``torch.load`` without ``weights_only``; since torch 2.6 that means weights-only loading,
which refuses the few non-tensor objects MMEngine itself stores (its ``HistoryBuffer``, numpy arrays and scalars in
the message hub and dataset meta). Those classes are allow-listed here, and MMEngine's loaders for local files,
``http(s)://`` URLs and ``torchvision://`` names are replaced by ones that read weights-only (a URL is downloaded
once into torch's hub cache) and name the file in their errors. Anything else in a pickle, notably a callable that
would run code, is still refused.
"""
import hashlib
import os
import os.path as osp
import pickle
import re
import shutil
import urllib.error
import urllib.request
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import HistoryBuffer, print_log
from mmengine.runner.checkpoint import CheckpointLoader, get_torchvision_models
from torch import Tensor

from ..utils.errors import InputError
from ..utils.files import atomic_path

WRAPPER_PREFIX = 'module.'  # what distributed training adds to every key
DOWNLOAD_TIMEOUT_S = 60
KEEP_MMENGINE_LOADERS = 'MSPN_PLUGIN_KEEP_MMENGINE_LOADERS'  # =1: leave MMEngine's loaders as they are


class UnsafeCheckpointError(InputError, pickle.UnpicklingError):
    """A checkpoint holds pickled objects outside the weights-only allow-list (possibly code)."""


class CheckpointReadError(InputError, RuntimeError):
    """A checkpoint file is truncated or not a torch checkpoint."""


class CheckpointDownloadError(InputError, OSError):
    """A checkpoint named by URL is not in the download cache and cannot be downloaded."""


class CheckpointHashError(InputError, RuntimeError):
    """A downloaded checkpoint's SHA-256 does not start with the hex digits its file name carries."""


class CheckpointMismatchError(InputError, RuntimeError):
    """A checkpoint's weights do not fit the model (another number of stages, keypoints, channels, ...)."""


# ---- weights-only reading ------------------------------------------------------------------------------------

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


def cached_download_path(url: str) -> str:
    """Where a checkpoint URL is kept once downloaded: torch's hub cache (``$TORCH_HOME/hub/checkpoints``)."""
    return osp.join(torch.hub.get_dir(), 'checkpoints', osp.basename(url.split('?')[0]))


# OpenMMLab's model zoo (and torch.hub) name a file ``<stem>-<first hex digits of its SHA-256>.<ext>``
HASH_SUFFIX = re.compile(r'-([0-9a-f]{8,64})\.\w+$')


def sha256_of(path: str) -> str:
    """The hex SHA-256 digest of file ``path``."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def check_hash_suffix(path: str, url: str) -> None:
    """If ``url``'s file name ends in ``-<hex>.<ext>``, check that ``path``'s SHA-256 starts with those digits.

    Raises:
        CheckpointHashError: naming the URL, the expected and the actual prefix.
    """
    match = HASH_SUFFIX.search(osp.basename(url.split('?')[0]))
    if match is None:
        return
    expected = match[1]
    actual = sha256_of(path)[:len(expected)]
    if actual != expected:
        raise CheckpointHashError(f'{url}: SHA-256 of the download starts with {actual}, expected {expected} (from '
                                  'the file name): corrupt or replaced file, not kept')


def download_checkpoint(url: str) -> str:
    """The local copy of checkpoint ``url``, downloaded on first use (atomically, so an interrupted download leaves
    no partial file behind). A file name carrying a hash prefix (``name-1a2b3c4d.pth``) is verified before the file
    enters the cache.

    Raises:
        CheckpointDownloadError: naming the URL and the cache path to put the file at, when it cannot be fetched.
        CheckpointHashError: the download does not match the hash prefix in its name (nothing is cached).
    """
    path = cached_download_path(url)
    if osp.isfile(path):
        return path
    os.makedirs(osp.dirname(path), exist_ok=True)
    print_log(f'downloading {url} to {path}', logger='current')
    with atomic_path(path) as tmp:
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, open(tmp, 'wb') as f:
                shutil.copyfileobj(response, f)
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, 'reason', None) or error
            raise CheckpointDownloadError(f'{path}: not found, and {url} cannot be downloaded ({reason}); put the '
                                          'file there or give a local path instead') from error
        check_hash_suffix(tmp, url)
    return path


def load_url_weights_only(url: str, map_location: Any = None) -> Any:
    """Load checkpoint ``url`` (downloaded once) weights-only."""
    return load_checkpoint_weights_only(download_checkpoint(url), map_location)


def torchvision_url(name: str) -> str:
    """The download URL of ``torchvision://<model>`` (e.g. ``torchvision://resnet50``), as MMEngine maps it."""
    model = name.removeprefix('torchvision://')
    urls = get_torchvision_models()
    if model not in urls:
        raise InputError(f'{name}: torchvision has no ImageNet weights named {model!r}')
    return urls[model]


def load_torchvision_weights_only(name: str, map_location: Any = None) -> Any:
    """Load ``torchvision://<model>`` (downloaded once into torch's hub cache) weights-only."""
    return load_url_weights_only(torchvision_url(name), map_location)


def install_checkpoint_loaders() -> None:
    """Allow-list MMEngine's checkpoint classes and route MMEngine's local, ``http(s)://`` and ``torchvision://``
    loads through the weights-only readers above, unless ``MSPN_PLUGIN_KEEP_MMENGINE_LOADERS=1`` (for a process
    that registers loaders of its own: MMEngine's stay in place). Idempotent."""
    torch.serialization.add_safe_globals(SAFE_GLOBALS)
    if os.environ.get(KEEP_MMENGINE_LOADERS) == '1':
        return
    CheckpointLoader.register_scheme(prefixes='', loader=load_checkpoint_weights_only, force=True)
    CheckpointLoader.register_scheme(prefixes=('http://', 'https://'), loader=load_url_weights_only, force=True)
    CheckpointLoader.register_scheme(prefixes='torchvision://', loader=load_torchvision_weights_only, force=True)


def is_url(path: str) -> bool:
    """Whether ``path`` names a checkpoint the loaders above download rather than a local file."""
    return path.startswith(('http://', 'https://', 'torchvision://'))


# ---- unwrapping and fitting ----------------------------------------------------------------------------------

def state_dict_of(checkpoint: Any) -> 'OrderedDict[str, Tensor]':
    """The state dict inside a checkpoint file's content (``state_dict`` / ``model`` / bare), without the
    ``module.`` prefix of distributed training. Its ``_metadata`` (the per-module versions that load hooks read,
    e.g. MMPose's heads) is kept.

    Raises:
        TypeError: the content is not a mapping.
        KeyError: it holds no state dict.
    """
    if not isinstance(checkpoint, Mapping):
        raise TypeError(f'the checkpoint holds a {type(checkpoint).__name__}, not a dict with a state dict')
    for key in ('state_dict', 'model'):
        if isinstance(checkpoint.get(key), Mapping):
            checkpoint = checkpoint[key]
            break
    else:
        if not checkpoint or not all(isinstance(v, Tensor) for v in checkpoint.values()):
            raise KeyError(f'no state dict found in the checkpoint (top-level keys: {sorted(checkpoint)[:10]})')
    unwrapped = OrderedDict((key.removeprefix(WRAPPER_PREFIX), value) for key, value in checkpoint.items())
    metadata = getattr(checkpoint, '_metadata', None)
    if metadata is not None:
        unwrapped._metadata = OrderedDict((key.removeprefix(WRAPPER_PREFIX), value) for key, value in metadata.items())
    return unwrapped


SIZE_MISMATCH = re.compile(r'size mismatch for (\S+): copying a param with shape torch\.Size\((\[.*?\])\) from '
                           r'checkpoint, the shape in current model is torch\.Size\((\[.*?\])\)')


def _listed(keys: list[str], shown: int = 4) -> str:
    return ', '.join(keys[:shown]) + (f' and {len(keys) - shown} more' if len(keys) > shown else '')


def _shape(listed: str) -> tuple[int, ...]:
    return tuple(int(size) for size in listed.strip('[]').split(',') if size.strip())


def load_fitting_state_dict(model: nn.Module, state_dict: Mapping[str, Tensor], filename: str) -> None:
    """Load ``state_dict`` into ``model``; raise :class:`CheckpointMismatchError` naming ``filename`` and the first
    mismatching keys unless it has exactly the model's keys and shapes.

    Keys are compared as the model's load hooks see them, so files that the model renames on load (MMPose's MSPN
    checkpoints, MMPose 0.x ``keypoint_head.``) are accepted.
    """
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
    """Read ``filename`` (a path or URL; weights-only) and load it into ``model`` with :func:`load_fitting_state_dict`;
    returns the checkpoint's content."""
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    try:
        state_dict = state_dict_of(checkpoint)
    except (TypeError, KeyError) as error:
        raise CheckpointReadError(f'{filename}: {error.args[0]}') from error
    load_fitting_state_dict(model, state_dict, filename)
    return checkpoint
