"""A config and command-line choices turned into an MMEngine runner (what tools/train.py and tools/test.py call)."""
import os.path as osp
import sys

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.runner import Runner
from mmpose.registry import RUNNERS

from ..checkpoint import is_url
from ..datasets.detections import checked_detection_file
from ..utils.errors import InputError
from ..utils.registry_scope import enter_config_scope
from .distributed import init_gloo_process_group, process_description

__all__ = ['prepare_config', 'build_runner']


def prepare_config(config: str, work_dir: str | None = None, cfg_options: dict | None = None,
                   launcher: str = 'none', amp: bool = False, auto_scale_lr: bool = False) -> Config:
    """Load ``config``, apply ``--cfg-options`` and the command-line choices.

    ``work_dir`` defaults to ``work_dirs/<config name>``. Detection files of the val/test sets (``bbox_file``) go
    through :func:`checked_detection_file` (unusable detections dropped with a warning, into the work dir). With
    ``amp``: MMEngine's ``AmpOptimWrapper`` on a GPU, :class:`CPUBFloat16OptimWrapper` without one. With
    ``auto_scale_lr``, MMEngine scales the learning rate by the total batch (GPUs x ``batch_size``) over the config's
    ``auto_scale_lr.base_batch_size``. With a
    launcher on a machine without a GPU, the gloo backend and a device-less ``MMDistributedDataParallel``.
    """
    if not osp.isfile(config):
        raise FileNotFoundError(f'config {config} does not exist')
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.work_dir = work_dir or cfg.get('work_dir') or osp.join('work_dirs', osp.splitext(osp.basename(config))[0])
    cfg.launcher = launcher
    if amp:
        if torch.cuda.is_available():
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
        else:
            cfg.optim_wrapper.type = 'CPUBFloat16OptimWrapper'
    if auto_scale_lr:
        if 'base_batch_size' not in cfg.get('auto_scale_lr', {}):
            raise InputError(f'{config}: --auto-scale-lr needs auto_scale_lr.base_batch_size in the config (the total '
                             'batch its learning rate is meant for)')
        cfg.auto_scale_lr.enable = True
    for loader in ('val_dataloader', 'test_dataloader'):
        dataset = cfg.get(loader, {}).get('dataset', {})
        if dataset.get('bbox_file'):
            ann_file = osp.join(dataset.get('data_root', ''), dataset.ann_file)
            dataset.bbox_file = checked_detection_file(dataset.bbox_file, ann_file, cfg.work_dir)
    if launcher != 'none' and not torch.cuda.is_available():
        cfg.env_cfg = dict(cfg.get('env_cfg', {}), dist_cfg=dict(backend='gloo'))
        cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None,
                                     broadcast_buffers=False, find_unused_parameters=False)
    return cfg


def build_runner(cfg: Config, resume: bool | str = False, load_from: str | None = None) -> Runner:
    """A runner for ``cfg`` (of its ``runner_type``, MMEngine's ``Runner`` by default); ``resume`` is True (latest
    checkpoint in the work dir) or a checkpoint path."""
    if isinstance(resume, str):
        cfg.resume, cfg.load_from = True, resume
    elif resume:
        cfg.resume = True
    if load_from is not None:
        if not (is_url(load_from) or osp.isfile(load_from)):
            raise FileNotFoundError(f'checkpoint {load_from} does not exist')
        cfg.load_from = load_from
    if cfg.launcher in ('pytorch', 'slurm') and not torch.cuda.is_available():
        # MMEngine's own initialisation calls torch.cuda.set_device, which fails without a GPU.
        init_gloo_process_group(cfg.launcher, cfg.get('env_cfg', {}).get('dist_cfg', {}).get('timeout'))
    # the scope a detector left current (MMDetection's) would hide our runner type from the registry; the runner
    # makes its own scope current as it starts, so the scope is set here for good, not for the build only
    enter_config_scope(cfg)
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    if dist.is_initialized():
        print(process_description(), file=sys.stderr, flush=True)
    return runner
