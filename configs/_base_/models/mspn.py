# MSPN (paper section 3): a stem, then stages of ResNet-50 down unit + GlobalNet up unit (256 channels) with
# cross-stage feature aggregation; a predictor for every stage and scale, supervised coarse-to-fine with L2 on
# every scale and OHKM on each stage's finest. The composition configs (../mspn_coco.py, ../mspn_mpii.py) set the
# decoder from their dataset; leaf configs set the number of stages.
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
        cross_stage_aggregation=True,  # section 3.2; off for the Table 4 ablations
        norm_cfg=dict(type='BN'),
        # ImageNet ResNet-50 in the stem and in every stage's down unit, as MMPose's MSPN does (the authors load
        # their ImageNet file, resnet-50_rename.pth, through MODEL.WEIGHT; in megvii-research/MSPN issue #20 they
        # say it reaches the first stage only: add stages=[0] to reproduce that). Downloaded once into
        # $TORCH_HOME/hub/checkpoints; offline, put resnet50-0676ba61.pth there or set checkpoint to a local file.
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    head=dict(
        type='MSPNHeatmapHead',
        num_stages=2,
        out_channels=17,
        # kernel_schedule: the authors' coarse-to-fine kernels by default, [15, 11, 9, 7] for every stage but
        # the last and [11, 9, 7, 5] for the last (authors' network.py; the paper gives no sizes)
        loss=dict(
            type='MSPNMultiScaleLoss',
            scale_weights=(0.25, 0.25, 0.25, 1.0),  # authors' network.py; the paper gives no weights
            use_ohkm=True,  # OHKM on the finest scale of each stage (paper section 3.3)
            ohkm_topk=8,  # authors' LOSS.TOPK (paper: OHKM as in CPN, which keeps 8)
            mask_policy='visible')),  # authors' JointsL2Loss: L2 targets only for joints flagged visible
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))  # paper 4.2: flip test
