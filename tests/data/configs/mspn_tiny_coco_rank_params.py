# The tiny config for 8 iterations (checkpoints every 2), plus a test hook that saves each rank's parameters at the
# end (distributed tests; needs tests/ on PYTHONPATH, as the tests' subprocesses have).
_base_ = ['mspn_tiny_coco.py']

custom_imports = dict(imports=['mspn_plugin', 'helpers.hooks'])
custom_hooks = [dict(type='SaveRankParametersHook')]

max_iters = 8
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=max_iters)]
