# A small 2-stage MSPN trained and evaluated on the bundled COCO sample images, on CPU, in minutes.
# Down units: ResNet-18; up units: 128 channels (the paper's 256 costs twice the time here); input 128x96.
# Everything else is the paper's recipe (augmentation, coarse-to-fine supervision, OHKM, Adam with linear decay,
# flip test and the paper's decoding); only the learning rate, batch and length are scaled to a tiny data set.
# Evaluation uses the ground-truth boxes (bbox_file=None). Run from the repository root.
_base_ = ['../_base_/mspn_coco-256x192.py']

input_size = (96, 128)
codec = dict(_base_.codec, input_size=input_size)
model = dict(
    backbone=dict(num_stages=2, down_unit=dict(type='ResNet', depth=18), up_channels=128),
    head=dict(num_stages=2, in_channels=128, kernel_schedule=[[15, 11, 9, 7], [11, 9, 7, 5]], decoder=codec))

max_iters = 500
train_cfg = dict(by_epoch=False, max_iters=max_iters, val_interval=250)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=2e-3, weight_decay=1e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, end_factor=1.0, by_epoch=False, begin=0, end=20),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=max_iters),
]
auto_scale_lr = dict(base_batch_size=12)
default_hooks = dict(
    checkpoint=dict(by_epoch=False, interval=250, max_keep_ckpts=1),
    logger=dict(interval=10))
randomness = dict(seed=0)

data_root = 'tests/data/coco/'
resized_steps = dict(TopdownAffine=dict(input_size=input_size), GenerateTarget=dict(encoder=codec))
train_pipeline = [dict(step, **resized_steps.get(step['type'], {})) for step in _base_.train_pipeline]
val_pipeline = [dict(step, **resized_steps.get(step['type'], {})) for step in _base_.val_pipeline]
train_dataloader = dict(
    batch_size=12,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(data_root=data_root, ann_file='test_coco.json', data_prefix=dict(img=''),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='test_coco.json', bbox_file=None, data_prefix=dict(img=''),
                 pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'test_coco.json')
test_evaluator = val_evaluator
