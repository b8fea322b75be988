"""Hooks used by the end-to-end tests (``custom_imports=["helpers.hooks"]``, with tests/ on PYTHONPATH)."""
import os
import os.path as osp
import signal

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmpose.registry import HOOKS


@HOOKS.register_module()
class SaveRankParametersHook(Hook):
    """After training, every rank writes its model parameters (not buffers: BatchNorm statistics are not
    synchronised across ranks) to ``work_dir/params_rank{rank}.pth``, so a test can compare the ranks."""

    def after_run(self, runner) -> None:
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        state = {k: v.detach().cpu() for k, v in model.named_parameters()}
        torch.save(state, osp.join(runner.work_dir, f'params_rank{get_rank()}.pth'))


@HOOKS.register_module()
class KillOnceHook(Hook):
    """Once per work dir, right after the checkpoint of iteration ``at_iter`` is saved, rank 0 kills with SIGKILL the
    process group named by the environment variable ``KILL_ONCE_PROCESS_GROUP`` (a test starts the command under
    test in a group of its own), then itself (torchrun puts each worker in a session of its own): a run stopped as
    by a lost machine. For one-process runs. A later run in the same work dir (a resumed one) is left alone."""

    priority = 'LOWEST'  # after the checkpoint hook

    def __init__(self, at_iter: int) -> None:
        self.at_iter = at_iter

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        marker = osp.join(runner.work_dir, 'killed_once')
        if runner.iter + 1 == self.at_iter and get_rank() == 0 and not osp.exists(marker):
            open(marker, 'w').close()
            os.killpg(int(os.environ['KILL_ONCE_PROCESS_GROUP']), signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGKILL)
