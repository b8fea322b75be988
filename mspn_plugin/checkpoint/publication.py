"""Publishing a checkpoint: weights and metadata only, named ``<stem>-<first 8 hex digits of its SHA-256>.pth`` as
OpenMMLab's model zoo names its files (the digits let a download be verified, see
:func:`~mspn_plugin.checkpoint.loading.check_hash_suffix`)."""
import os
import os.path as osp
from collections.abc import Mapping
from typing import Any

import torch
from mmengine.runner.checkpoint import CheckpointLoader

from ..utils.errors import InputError
from .loading import CheckpointReadError, sha256_of, state_dict_of

HASH_DIGITS = 8
KEPT_META = ('cfg', 'dataset_meta', 'epoch', 'iter', 'seed', 'experiment_name', 'mmengine', 'mmpose')


def published_meta(meta: Mapping[str, Any], config_text: str | None, metrics: Mapping[str, float]) -> dict[str, Any]:
    """The metadata a published file carries: the training's config text (``cfg``; ``config_text`` replaces it),
    dataset metainfo and name, progress, MMEngine's version, ``metrics`` (e.g. ``{'coco/AP': 0.71}``)."""
    kept = {key: meta[key] for key in KEPT_META if key in meta}
    if config_text is not None:
        kept['cfg'] = config_text
    dataset_meta = kept.get('dataset_meta') or {}
    return {**kept, 'dataset': dataset_meta.get('dataset_name'), 'metrics': dict(metrics)}


def publish_checkpoint(source: str, out: str, metrics: Mapping[str, float] | None = None,
                       config_text: str | None = None) -> str:
    """Write ``source``'s weights (without the ``module.`` prefix) and :func:`published_meta` to
    ``<out without .pth>-<8 hex>.pth``, dropping optimiser, scheduler and message-hub state. Returns that path.

    Raises:
        CheckpointReadError: ``source`` holds no state dict.
        InputError: ``source`` has no config text and none is given.
    """
    checkpoint = CheckpointLoader.load_checkpoint(source, map_location='cpu')
    try:
        state_dict = state_dict_of(checkpoint)
    except (TypeError, KeyError) as error:
        raise CheckpointReadError(f'{source}: {error.args[0]}') from error
    meta = published_meta(checkpoint.get('meta') or {}, config_text, metrics or {})
    if not meta.get('cfg'):
        raise InputError(f'{source}: no config text in its meta; give the config it was trained with')
    stem = out.removesuffix('.pth')
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    tmp = f'{stem}.{os.getpid()}.tmp'
    try:
        torch.save({'state_dict': state_dict, 'meta': meta}, tmp)
        path = f'{stem}-{sha256_of(tmp)[:HASH_DIGITS]}.pth'
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return path
