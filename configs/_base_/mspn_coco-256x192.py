# 2xMSPN-Res50 on COCO at 256x192: the shared base of the COCO configs (children change a few numbers).
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['mspn_plugin'], allow_failed_imports=False)
# MMPose's PoseLocalVisualizer fails under numpy 2 when drawing keypoints; this subclass fixes only that.
visualizer = dict(type='Numpy2PoseLocalVisualizer')

# ---- model -------------------------------------------------------------------------------------------
input_size = (192, 256)  # (w, h); heatmaps are a quarter of it
codec = dict(
    type='CoarseToFineHeatmap',
    input_size=input_size,
    target_kernels=(15, 11, 9, 7, 5),  # rendered once; the head picks one per stage and scale
    test_kernel_size=5,  # post-Gaussian filter at test time (paper: 5 for COCO)
    shift=0.25)  # quarter offset toward the second maximum

model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='MSPNBackbone',
        num_stages=2,
        depth=50,
        cross_stage_aggregation=True,
        norm_cfg=dict(type='BN')),
    head=dict(
        type='MSPNHeatmapHead',
        num_stages=2,
        out_channels=17,
        kernel_schedule=None,  # authors': [15, 11, 9, 7] for early stages, [11, 9, 7, 5] for the last
        loss=dict(
            type='MSPNMultiScaleLoss',
            scale_weights=(0.25, 0.25, 0.25, 1.0),
            use_ohkm=True,
            ohkm_topk=8,
            mask_policy='labelled'),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

# ---- schedule (paper: Adam 5e-4 at 8x32 images, weight decay 1e-5, linear decay to 0) ----------------
max_epochs = 150
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=10)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4, weight_decay=1e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=500),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=True, begin=0, end=max_epochs),
]
auto_scale_lr = dict(base_batch_size=256)
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))

# ---- data --------------------------------------------------------------------------------------------
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/coco/'

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

train_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_train2017.json',
        data_prefix=dict(img='train2017/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_val2017.json',
        bbox_file='data/coco/person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
        data_prefix=dict(img='val2017/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val2017.json')
test_evaluator = val_evaluator
