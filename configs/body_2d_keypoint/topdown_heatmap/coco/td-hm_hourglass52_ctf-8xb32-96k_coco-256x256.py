# Coarse-to-fine supervision on another multi-stage network (paper Table 4): MMPose's 2-stack Hourglass-52,
# each stack supervised by our codec's Gaussian of its own size (7 then 5), read by MSPN's head with one scale
# per stage. Training recipe and data: the MSPN base config, at Hourglass's 256x256 input.
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']
from mspn_plugin.datasets import with_codec  # noqa: E402  (after _base_: MMEngine reads the config as such)

input_size = (256, 256)
codec = dict(_base_.codec, input_size=input_size, target_kernels=(7, 5))
num_stacks = 2
model = dict(
    backbone=dict(_delete_=True, type='HourglassNet', num_stacks=num_stacks),
    head=dict(
        num_stages=num_stacks,
        num_scales=1,
        kernel_schedule=[[7], [5]],
        loss=dict(scale_weights=(1.0, )),  # the single scale is the finest: OHKM applies to it
        decoder=codec))

train_pipeline = with_codec(_base_.train_pipeline, codec)
val_pipeline = with_codec(_base_.val_pipeline, codec)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
