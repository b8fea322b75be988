# MSPN parts on another backbone: MMPose's HRNet-W32 (its 4 branches, 1/4 ... 1/32, are the 4 scales), our
# GlobalNet up path and MSPN's coarse-to-fine head with OHKM. Training recipe and data: the MSPN base config.
# HRNet starts from random weights here; for ImageNet weights set model.backbone.init_cfg to a local file.
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='HRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK', num_blocks=(4, ), num_channels=(64, )),
            stage2=dict(num_modules=1, num_branches=2, block='BASIC', num_blocks=(4, 4), num_channels=(32, 64)),
            stage3=dict(num_modules=4, num_branches=3, block='BASIC', num_blocks=(4, 4, 4),
                        num_channels=(32, 64, 128)),
            stage4=dict(num_modules=3, num_branches=4, block='BASIC', num_blocks=(4, 4, 4, 4),
                        num_channels=(32, 64, 128, 256), multiscale_output=True))),
    neck=dict(type='GlobalNetNeck', in_channels=(32, 64, 128, 256), out_channels=256),
    head=dict(num_stages=1, kernel_schedule=[[11, 9, 7, 5]]))
