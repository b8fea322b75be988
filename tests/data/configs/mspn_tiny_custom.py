# A tiny MSPN on your own keypoints: the custom config (K=5 example metainfo) at mspn_tiny_coco.py's size, for a few
# iterations; the tests point its data at a made dataset with --cfg-options.
_base_ = ['../../../configs/body_2d_keypoint/topdown_heatmap/custom/td-hm_2xmspn50_8xb32-96k_custom-256x192.py']
from mspn_plugin.datasets import with_codec  # noqa: E402  (after _base_: MMEngine reads the config as such)

up_channels = 32
input_size = (64, 96)  # (w, h)
codec = dict(_base_.codec, input_size=input_size, target_kernels=(7, 5, 3), test_kernel_size=3)
model = dict(
    backbone=dict(down_unit=dict(depth=18, base_channels=32), up_channels=up_channels, init_cfg=None),
    head=dict(in_channels=up_channels, kernel_schedule=[[7, 7, 5, 5], [5, 5, 3, 3]], decoder=codec))

max_iters = 3
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=max_iters)]
default_hooks = dict(checkpoint=dict(interval=max_iters, max_keep_ckpts=1), logger=dict(interval=1))
randomness = dict(seed=0)
# the schedule as written (the recipe scales iterations and learning rate from its 8 x 32 batch)
auto_scale_lr = dict(enable=False, base_batch_size=4)
auto_scale_iters = dict(enable=False, base_batch_size=4)

train_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False,
                        sampler=dict(type='InfiniteSampler', shuffle=True),
                        dataset=dict(pipeline=with_codec(_base_.train_pipeline, codec)))
val_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False,
                      dataset=dict(pipeline=with_codec(_base_.val_pipeline, codec)))
test_dataloader = val_dataloader
