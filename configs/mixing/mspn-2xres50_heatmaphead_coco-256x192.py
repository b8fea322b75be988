# MSPN's trunk under another head: 2xRes-50 MSPN, its last stage's finest map (1/4, 256 channels) read by
# MMPose's plain HeatmapHead (one 1x1 conv to 17 maps, MSE on MSRA Gaussian targets, sigma 2).
_base_ = ['../_base_/mspn_coco-256x192.py']

codec = dict(type='MSRAHeatmap', input_size=_base_.input_size, heatmap_size=(48, 64), sigma=2)
model = dict(
    neck=dict(type='SelectStageNeck', stage=-1),
    head=dict(
        _delete_=True,
        type='HeatmapHead',
        in_channels=256,
        out_channels=17,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

resized_steps = dict(GenerateTarget=dict(encoder=codec))
train_pipeline = [dict(step, **resized_steps.get(step['type'], {})) for step in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
