# 2xMSPN-Res50 on COCO at 256x192: the shared base of the COCO configs (children change a few numbers).
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['mspn_plugin'], allow_failed_imports=False)
# Atomic checkpoint writes; checkpoints that do not fit the model are refused, not loaded partly.
runner_type = 'SafeRunner'
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
    type='MSPNTopdownEstimator',
    fast_inference=True,  # one batched flip forward through a BN-folded copy (docs/performance.md)
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='MSPNBackbone',
        num_stages=2,
        down_unit=dict(type='ResNet', depth=50),  # any 4-scale backbone's layers, or XceptionDownUnit
        cross_stage_aggregation=True,  # section 3.2; False for the Table 4 ablation
        norm_cfg=dict(type='BN')),
    head=dict(
        type='MSPNHeatmapHead',
        num_stages=2,
        out_channels=17,
        # Gaussian kernel per stage (rows) and scale (1/32, 1/16, 1/8, 1/4): coarse-to-fine supervision
        kernel_schedule=[[15, 11, 9, 7], [11, 9, 7, 5]],
        loss=dict(
            type='MSPNMultiScaleLoss',
            scale_weights=(0.25, 0.25, 0.25, 1.0),  # authors' code; the paper gives no weights
            use_ohkm=True,  # OHKM on the finest scale of each stage (section 3.3)
            ohkm_topk=8,
            mask_policy='visible'),  # authors' code: L2 targets only for joints flagged visible
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

# ---- schedule ----------------------------------------------------------------------------------------
# Paper 4.2: Adam, weight decay 1e-5, lr 5e-4 for 8 GPUs x 32 images decreasing linearly to 0, 90k iterations.
# The warm-up is not in the paper: the authors' code warms up linearly from 0.1x over 2,400 iterations.
max_iters = 90000
train_cfg = dict(by_epoch=False, max_iters=max_iters, val_interval=5000)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4, weight_decay=1e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, end_factor=1.0, by_epoch=False, begin=0, end=2400),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=max_iters),
]
auto_scale_lr = dict(base_batch_size=256)  # 8 GPUs x 32; other total batch sizes scale the lr linearly
default_hooks = dict(
    # saves before it deletes old checkpoints, and replaces last_checkpoint atomically
    checkpoint=dict(type='SafeCheckpointHook', by_epoch=False, interval=5000, save_best='coco/AP', rule='greater',
                    max_keep_ckpts=3),
    logger=dict(interval=50))
log_processor = dict(by_epoch=False)

# ---- data --------------------------------------------------------------------------------------------
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/coco/'

# Paper 4.2 augmentation. Probabilities the paper leaves open follow the authors' code.
train_pipeline = [
    dict(type='ReadImage'),  # LoadImage, with an error naming the file for a missing or corrupt image
    dict(type='KeepVisibilityFlags'),  # COCO's 0/1/2 flags, for mask_policy='visible'
    dict(type='GetBBoxCenterScale'),  # box x1.25 (MMPose's default; the paper does not say)
    dict(type='RandomFlip', direction='horizontal', prob=0.5),
    dict(type='UpperLowerBodyCrop', min_keypoints=8, prob=0.3),  # > 8 joints, upper/lower with p = 1/2
    dict(type='UniformScaleRotation', scale_range=(0.7, 1.35), max_rotation=45.0, rotate_prob=0.5),
    dict(type='TopdownAffine', input_size=input_size),  # fits the box to the input's 3:4 aspect ratio
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='ReadImage'),
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
        # person detections in COCO results format; set bbox_file=None to evaluate on ground-truth boxes
        bbox_file='data/coco/person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
        data_prefix=dict(img='val2017/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

# pose score = box score x mean keypoint score (score_mode='bbox_keypoint'; our keypoint scores are >= 0.5, so
# keypoint_score_thr keeps all of them, as in the paper); OKS-NMS on, nms_mode='none' switches it off
val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/person_keypoints_val2017.json',
    score_mode='bbox_keypoint',
    keypoint_score_thr=0.2,
    nms_mode='oks_nms',
    nms_thr=0.9)
test_evaluator = val_evaluator
