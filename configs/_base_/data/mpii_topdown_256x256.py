# MPII Human Pose, top-down at 256x256, evaluated with PCKh@0.5. Sources: the paper (section 4.2) where it speaks,
# else the authors' MPII code (megvii-detection/MSPN, exps/mspn.2xstg.mpii/config.py, dataset/attribute.py class
# MPII, dataset/MPII/mpii.py); where the two disagree, the code, and both are named.
dataset_type = 'MpiiDataset'
data_mode = 'topdown'
data_root = 'data/mpii/'

input_size = (256, 256)  # (w, h), paper 4.2
codec = dict(
    type='CoarseToFineHeatmap',
    input_size=input_size,
    target_kernels=(15, 11, 9, 7, 5),  # authors' TRAIN.GAUSSIAN_KERNELS
    test_kernel_size=9,  # post-Gaussian filter (paper 4.2; size from the authors' MPII TEST.GAUSSIAN_KERNEL)
    shift=0.25)  # paper 4.2: a quarter offset toward the second highest response

train_pipeline = [
    dict(type='ReadImage'),
    # the authors' MPII loader (dataset/MPII/mpii.py) flags every labelled joint visible (joints_vis x 2): their L2
    # averages over all K joints, with zero targets for the unlabelled ones (mask_policy='visible')
    dict(type='LabelledAsVisible'),
    # MPII's joints are 1-based; the authors (and HRNet) subtract 1 at load, MMPose's MpiiDataset does not (it moves
    # only the box centre): without this step every target lies one pixel right of and below its joint. The test
    # pipeline keeps them 1-based: MMPose's PCKh metric compares predictions + 1 with them.
    dict(type='ZeroBasedKeypoints', first_pixel=1),
    # box: the annotated centre (moved down by 15 x scale, as the authors and MMPose's loader do) and scale x 200,
    # times 1.25 (authors' MPII X/Y_EXTENTION 0.25 at train and test; the paper is silent)
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal', prob=0.5),
    # half body: paper "more than eight joints ... upper or lower bodies with equal possibility"; the authors' MPII
    # code: more than 8 labelled joints, probability 0.5, upper body tried first with probability 0.69
    # (np.random.randn() < 0.5), a part used when it has more than 3 labelled joints, box extended by U(1, 1.6) in
    # both directions; their MPII split (joints 7-15 upper, 0-6 lower) is MMPose's metainfo split
    dict(type='UpperLowerBodyCrop', min_keypoints=8, prob=0.5, upper_prob=0.69, part_keypoints=3,
         extension=(0.6, 0.6)),
    # paper: rotation -45..45 degrees, scale 0.7..1.35; authors' MPII code: rotation U(-60, 60) with probability
    # 0.5, scale U(0.75, 1.25)
    dict(type='UniformScaleRotation', scale_range=(0.75, 1.25), max_rotation=60.0, rotate_prob=0.5),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='ReadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),  # authors' MPII TEST.X/Y_EXTENTION 0.25
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs'),
]

train_dataloader = dict(
    batch_size=32,  # per GPU; the authors ran 8 GPUs x 32 (IMS_PER_GPU)
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/mpii_train.json',
        data_prefix=dict(img='images/'),
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
        ann_file='annotations/mpii_val.json',
        headbox_file='data/mpii/annotations/mpii_gt_val.mat',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='MpiiPCKAccuracy')  # PCKh@0.5
test_evaluator = val_evaluator
