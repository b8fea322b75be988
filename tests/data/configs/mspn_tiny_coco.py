# A tiny MSPN trained for a few iterations on the bundled COCO sample (tests of the tools only).
_base_ = ['../../../configs/body_2d_keypoint/topdown_heatmap/coco/'
          'td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py']
from mspn_plugin.datasets import with_codec  # noqa: E402  (after _base_: MMEngine reads the config as such)

up_channels = 32
input_size = (64, 96)  # (w, h)
codec = dict(_base_.codec, input_size=input_size, target_kernels=(7, 5, 3), test_kernel_size=3)
model = dict(
    backbone=dict(up_channels=up_channels),
    head=dict(in_channels=up_channels, kernel_schedule=[[7, 7, 5, 5], [5, 5, 3, 3]], decoder=codec))

max_iters = 4
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=max_iters)]
default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=-1), logger=dict(interval=1))
randomness = dict(seed=0, deterministic=True)

train_pipeline = with_codec(_base_.train_pipeline, codec)
val_pipeline = with_codec(_base_.val_pipeline, codec)
train_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=4, dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
