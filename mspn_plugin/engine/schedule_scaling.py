"""A schedule written for one total batch, run at another: the authors' GPU-count scaling.

The authors' ``train.py`` multiplies ``MAX_ITER`` and ``CHECKPOINT_PERIOD`` by ``8 / num_gpu`` and their optimiser
takes ``BASE_LR x num_gpu``, so every run sees the same number of images. MMEngine's ``auto_scale_lr`` does the
learning-rate half; :func:`fit_schedule` does the iteration half for configs that ask for it with
``auto_scale_iters = dict(enable=True, base_batch_size=B)``, and ends a decay that gives no ``end`` with the
training.
"""
import os

import torch.distributed as dist
from mmengine.config import Config

__all__ = ['fit_schedule', 'launcher_world_size']

#: the variable holding the number of processes under each MMEngine launcher
WORLD_SIZE_VARIABLES = {'pytorch': 'WORLD_SIZE', 'slurm': 'SLURM_NTASKS', 'mpi': 'OMPI_COMM_WORLD_SIZE'}


def launcher_world_size(launcher: str) -> int:
    """The number of training processes of a run started by ``launcher`` (MMEngine's names), read before the
    process group exists: from the group when there is one, else from the launcher's environment."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    if launcher == 'none':
        return 1
    return int(os.environ.get(WORLD_SIZE_VARIABLES.get(launcher, 'WORLD_SIZE'), 1))


def _scaled(iterations: int, base_batch_size: int, total_batch_size: int) -> int:
    # the authors' int(n * 8 / num_gpu), in integers (a float quotient may fall just under a whole number)
    return max(1, iterations * base_batch_size // total_batch_size)


def fit_schedule(cfg: Config, world_size: int) -> str | None:
    """Fit ``cfg``'s iteration counts to its total batch (``world_size`` x ``train_dataloader.batch_size``), in place.

    With ``auto_scale_iters.enable``, ``train_cfg.max_iters``, ``train_cfg.val_interval`` and
    ``default_hooks.checkpoint.interval`` are multiplied by ``auto_scale_iters.base_batch_size`` / total batch
    (rounded down, as the authors' ``int()``); schedulers keep their ``begin`` and ``end`` (the authors' warm-up is
    not scaled). Then every iteration-based scheduler without an ``end`` ends with the training, at ``max_iters + 1``
    (MMEngine's ``LinearLR`` reaches its ``end_factor`` at iteration ``end - 1``; MMEngine's own default, ``max_iters``,
    would reach it one iteration early). Returns a line saying what changed, or None.
    """
    train_cfg = cfg.get('train_cfg') or {}
    if 'max_iters' not in train_cfg:
        return None
    note = None
    scaling = cfg.get('auto_scale_iters') or {}
    batch_size = (cfg.get('train_dataloader') or {}).get('batch_size')
    if scaling.get('enable') and batch_size:
        base, total = scaling['base_batch_size'], world_size * batch_size
        if base != total:
            written = train_cfg.max_iters
            train_cfg.max_iters = _scaled(written, base, total)
            if 'val_interval' in train_cfg:
                train_cfg.val_interval = _scaled(train_cfg.val_interval, base, total)
            checkpoint = (cfg.get('default_hooks') or {}).get('checkpoint')
            if checkpoint and 'interval' in checkpoint:
                checkpoint.interval = _scaled(checkpoint.interval, base, total)
            note = (f'auto_scale_iters: {world_size} process(es) x {batch_size} = {total} images an iteration, '
                    f'schedule written for {base}: {written} -> {train_cfg.max_iters} iterations, validation every '
                    f'{train_cfg.get("val_interval")}, checkpoint every {checkpoint.interval if checkpoint else None} '
                    '(scheduler begin/end points kept)')
    schedulers = cfg.get('param_scheduler') or []
    for scheduler in [schedulers] if isinstance(schedulers, dict) else schedulers:
        if not scheduler.get('by_epoch', True) and 'end' not in scheduler:
            scheduler['end'] = train_cfg.max_iters + 1
    return note
