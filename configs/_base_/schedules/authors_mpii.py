# The authors' MPII schedule (exps/mspn.2xstg.mpii/config.py): the COCO one with SOLVER.MAX_ITER = 28800 and
# SOLVER.CHECKPOINT_PERIOD = 1600 at 8 x 32; SOLVER.WARMUP_ITERS stays 2400, as for COCO.
_base_ = ['authors_coco.py']

max_iters = 28800
checkpoint_interval = max_iters // 18
train_cfg = dict(max_iters=max_iters, val_interval=checkpoint_interval)
default_hooks = dict(checkpoint=dict(interval=checkpoint_interval))
