# 4-stage MSPN, ResNet-50 down units, MPII 256x256 (paper Table 9), PCKh@0.5.
_base_ = ['../_base_/mspn_coco-256x192.py']

input_size = (256, 256)
codec = dict(
    type='CoarseToFineHeatmap',
    input_size=input_size,
    target_kernels=(15, 11, 9, 7, 5),
    test_kernel_size=9)  # paper: post-Gaussian filter of 9 for MPII
model = dict(
    backbone=dict(num_stages=4),
    head=dict(num_stages=4, out_channels=16, decoder=codec))
default_hooks = dict(checkpoint=dict(save_best='PCK', rule='greater'))

dataset_type = 'MpiiDataset'
data_root = 'data/mpii/'
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),  # MPII boxes come from centre/scale, already padded
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody', min_total_keypoints=9, prob=0.3),
    dict(type='RandomBBoxTransform', shift_prob=0, rotate_factor=45.0, scale_factor=(0.7, 1.35)),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        data_mode='topdown',
        ann_file='annotations/mpii_train.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        data_mode='topdown',
        ann_file='annotations/mpii_val.json',
        headbox_file='data/mpii/annotations/mpii_gt_val.mat',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='MpiiPCKAccuracy')
test_evaluator = val_evaluator
