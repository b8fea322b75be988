# The demo's model: a small 2-stage MSPN trained from scratch and evaluated on the bundled COCO sample images
# (demo/resources/coco), on CPU, in minutes. Down units: ResNet-18 at half width (channels 32-256: the ResNet-50 of
# the paper configs costs many times more here) with random weights; up units: 128 channels (the paper's 256 costs
# twice the time); input 128x96. Everything else is the COCO recipe of td-hm_2xmspn50_8xb32-96k_coco-256x192.py
# (augmentation, coarse-to-fine supervision, OHKM, Adam with warm-up and linear decay to 0, flip test, the paper's
# decoding); the learning rate, batch and length are scaled to a tiny data set. Evaluation uses the ground-truth
# boxes (bbox_file=None). The data path is relative to this file, so the config runs from any directory.
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']
from mspn_plugin.datasets import with_codec  # noqa: E402  (after _base_: MMEngine reads the config as such)

num_stages = 2
up_channels = 128
input_size = (96, 128)  # (w, h)
codec = dict(_base_.codec, input_size=input_size)
model = dict(
    backbone=dict(num_stages=num_stages, down_unit=dict(depth=18, base_channels=32), up_channels=up_channels,
                  init_cfg=None),
    head=dict(num_stages=num_stages, in_channels=up_channels, decoder=codec))

max_iters = 400
warmup_iters = 20
batch_size = 12
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [dict(_base_.param_scheduler[0], end=warmup_iters + 1),
                   dict(_base_.param_scheduler[1], begin=warmup_iters)]  # decays to 0 at the last iteration
# the schedule as written, whatever the number of processes
auto_scale_lr = dict(enable=False, base_batch_size=batch_size)
auto_scale_iters = dict(enable=False, base_batch_size=batch_size)
default_hooks = dict(checkpoint=dict(interval=max_iters, max_keep_ckpts=1), logger=dict(interval=10))
randomness = dict(seed=0)

data_root = '{{fileDirname}}/../../../../demo/resources/coco/'
train_pipeline = with_codec(_base_.train_pipeline, codec)
val_pipeline = with_codec(_base_.val_pipeline, codec)
# samples prepared in the training process: on 2 cores a loader process only competes with the model's threads
# (make demo measured here: 134 s with none, 146 s with one)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(data_root=data_root, ann_file='test_coco.json', data_prefix=dict(img=''), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='test_coco.json', bbox_file=None, data_prefix=dict(img=''),
                 pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'test_coco.json')
test_evaluator = val_evaluator
