# COCO person keypoints, top-down at 256x192 (h x w): targets, augmentation and test procedure of MSPN.
# Sources: the paper (section 4.2) where it speaks, else the authors' code (megvii-detection/MSPN,
# exps/mspn.2xstg.coco/config.py, dataset/attribute.py, dataset/JointsDataset.py); where the two disagree, the
# code, which produced the published numbers, and both are named.
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/coco/'

input_size = (192, 256)  # (w, h); heatmaps are a quarter of it
codec = dict(
    type='CoarseToFineHeatmap',
    input_size=input_size,
    target_kernels=(15, 11, 9, 7, 5),  # authors' TRAIN.GAUSSIAN_KERNELS; each rendered once, the head picks
    test_kernel_size=5,  # post-Gaussian filter (paper 4.2; size from the authors' TEST.GAUSSIAN_KERNEL)
    shift=0.25)  # paper 4.2: a quarter offset toward the second highest response

train_pipeline = [
    dict(type='ReadImage'),  # LoadImage, with an error naming the file for a missing or corrupt image
    dict(type='KeepVisibilityFlags'),  # COCO's 0/1/2 flags, for the loss's mask_policy='visible'
    # box: annotated box x 1.05, then width x U(1, 1.6) and height x U(1, 1.8) (authors' BASIC_EXTENTION and
    # X/Y_EXTENTION; the paper is silent); TopdownAffine fits it to 3:4 (paper 4.2)
    dict(type='GetBBoxCenterScale', padding=1.05),
    dict(type='RandomBoxExtension', max_extension=(0.6, 0.8)),
    dict(type='RandomFlip', direction='horizontal', prob=0.5),
    # half body: paper "more than eight joints ... upper or lower bodies with equal possibility"; the authors'
    # code (JointsDataset.half_body_transform) crops instances with more than 3 labelled joints, with probability
    # 0.3, upper body tried first when np.random.randn() < 0.5 (probability 0.69), a part used when it has more
    # than 3 labelled joints, box extended by U(1, 1.6) x U(1, 1.8). Their COCO split (dataset/attribute.py,
    # UPPER_BODY_IDS) puts the hips in the upper body, joints 0-12, and leaves knees and ankles, 13-16, as the
    # lower body; MMPose's COCO metainfo (used when the ids are not given) puts the hips in the lower body.
    dict(type='UpperLowerBodyCrop', min_keypoints=3, prob=0.3, upper_prob=0.69, part_keypoints=3,
         extension=(0.6, 0.8), upper_body_ids=list(range(13)), lower_body_ids=[13, 14, 15, 16]),
    # paper: rotation -45..45 degrees, scale 0.7..1.35; authors' code: rotation U(-45, 45) with probability 0.5,
    # scale 0.8 x U(0.75, 1.25) = U(0.6, 1.0) (applied to the extended box above)
    dict(type='UniformScaleRotation', scale_range=(0.6, 1.0), max_rotation=45.0, rotate_prob=0.5),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='ReadImage'),
    # detection box x 1.09 in width and x 1.135 in height (authors' TEST.X/Y_EXTENTION; the paper only says
    # boxes are expanded to 4:3), then fitted to 3:4 by TopdownAffine
    dict(type='GetBBoxCenterScale', padding=(1.09, 1.135)),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs'),
]

train_dataloader = dict(
    batch_size=32,  # per GPU; the published numbers used 8 GPUs x 32 (paper 4.2)
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
        # person detections in COCO results format; bbox_file=None evaluates on ground-truth boxes
        bbox_file='data/coco/person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
        data_prefix=dict(img='val2017/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

# pose score = box score x mean keypoint score (paper 4.2; score_mode='bbox_keypoint': our keypoint scores are
# >= 0.5, so keypoint_score_thr keeps all of them); no OKS-NMS, as the authors' test.py (the paper is silent):
# nms_mode='oks_nms' switches it on
val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/person_keypoints_val2017.json',
    score_mode='bbox_keypoint',
    keypoint_score_thr=0.2,
    nms_mode='none')
test_evaluator = val_evaluator
