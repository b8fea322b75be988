# A tiny MSPN trained for a few iterations on the bundled COCO sample (tests of the tools only).
_base_ = ['../../../configs/sample/mspn_sample.py']

input_size = (64, 96)
codec = dict(_base_.codec, input_size=input_size, target_kernels=(7, 5, 3), test_kernel_size=3)
model = dict(
    backbone=dict(num_stages=2, down_unit=dict(type='ResNet', depth=18), up_channels=32),
    head=dict(num_stages=2, in_channels=32, kernel_schedule=[[7, 7, 5, 5], [5, 5, 3, 3]], decoder=codec))

max_iters = 4
train_cfg = dict(by_epoch=False, max_iters=max_iters, val_interval=max_iters)
param_scheduler = [dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=max_iters)]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=2, max_keep_ckpts=-1), logger=dict(interval=1))
randomness = dict(seed=0, deterministic=True)

resized_steps = dict(TopdownAffine=dict(input_size=input_size), GenerateTarget=dict(encoder=codec))
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    dataset=dict(pipeline=[dict(step, **resized_steps.get(step['type'], {})) for step in _base_.train_pipeline]))
val_dataloader = dict(
    batch_size=4,
    dataset=dict(pipeline=[dict(step, **resized_steps.get(step['type'], {})) for step in _base_.val_pipeline]))
test_dataloader = val_dataloader
