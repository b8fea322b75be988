"""Hooks used by the end-to-end tests (``custom_imports=["helpers.hooks"]``, with tests/ on PYTHONPATH)."""
import os.path as osp

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
