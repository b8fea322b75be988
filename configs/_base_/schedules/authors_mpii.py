# The authors' MPII schedule (exps/mspn.2xstg.mpii/config.py): the COCO one, SOLVER.MAX_ITER = 28800 at 8 x 32.
_base_ = ['authors_coco.py']

max_iters = 28800
train_cfg = dict(max_iters=max_iters, val_interval=1600)  # authors' MPII CHECKPOINT_PERIOD
param_scheduler = [_base_.param_scheduler[0], dict(_base_.param_scheduler[1], end=max_iters + 1)]
default_hooks = dict(checkpoint=dict(interval=1600))
