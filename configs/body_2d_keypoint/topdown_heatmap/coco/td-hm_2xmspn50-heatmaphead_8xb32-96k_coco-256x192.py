# MSPN's trunk under another head: 2xRes-50 MSPN, its last stage's finest map (1/4, 256 channels) read by
# MMPose's plain HeatmapHead (one 1x1 conv to 17 maps, MSE on MSRA Gaussian targets, sigma 2).
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']
from mspn_plugin.datasets import with_codec  # noqa: E402  (after _base_: MMEngine reads the config as such)

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

train_pipeline = with_codec(_base_.train_pipeline, codec)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
