# 4-stage MSPN, ResNet-50 down units, COCO 384x288 (paper section 4.5); heatmaps are 96x72.
_base_ = ['../_base_/mspn_coco-256x192.py']

input_size = (288, 384)
codec = dict(
    type='CoarseToFineHeatmap', input_size=input_size, target_kernels=(15, 11, 9, 7, 5), test_kernel_size=5)
model = dict(backbone=dict(num_stages=4), head=dict(num_stages=4, decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody', min_total_keypoints=9, prob=0.3),
    dict(type='RandomBBoxTransform', rotate_factor=45.0, scale_factor=(0.7, 1.35)),
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
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
