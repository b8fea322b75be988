# 2-stage MSPN with ResNet-18 down units ("2xRes-18"), COCO 256x192.
# Paper Table 3: 71.6 AP (COCO minival), 4.0 GFLOPs.
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

num_stages = 2
depth = 18
model = dict(
    backbone=dict(
        num_stages=num_stages,
        down_unit=dict(depth=depth),
        init_cfg=dict(checkpoint=f'torchvision://resnet{depth}')),
    head=dict(num_stages=num_stages))
