# A tiny MSPN trained for a few iterations on the bundled COCO sample (tests only).
_base_ = ['../../../configs/_base_/mspn_coco-256x192.py']

input_size = (64, 96)
codec = dict(type='CoarseToFineHeatmap', input_size=input_size, target_kernels=(7, 5, 3), test_kernel_size=3)
model = dict(
    backbone=dict(num_stages=2, depth=18, up_channels=32),
    head=dict(num_stages=2, in_channels=32, kernel_schedule=[[7, 7, 5, 5], [5, 5, 3, 3]], decoder=codec))

train_cfg = dict(_delete_=True, by_epoch=False, max_iters=4, val_interval=4)
param_scheduler = [dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=4)]
default_hooks = dict(checkpoint=dict(interval=2, by_epoch=False, save_best=None), logger=dict(interval=1))
randomness = dict(seed=0, deterministic=True)

data_root = 'tests/data/coco/'
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='test_coco.json', data_prefix=dict(img=''),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='test_coco.json', bbox_file=None, data_prefix=dict(img=''),
                 pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'test_coco.json')
test_evaluator = val_evaluator
