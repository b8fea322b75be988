# Single-stage network with a ResNet-152 down unit, COCO 256x192.
# Paper Table 1: 73.6 AP (COCO minival), 11.2 GFLOPs. The paper's Res-254 ("more residual blocks on Res-152")
# has no config: the paper gives no block counts, and MMPose's ResNet builds only depths 18, 34, 50, 101 and 152.
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

num_stages = 1
depth = 152
model = dict(
    backbone=dict(
        num_stages=num_stages,
        down_unit=dict(depth=depth),
        init_cfg=dict(checkpoint=f'torchvision://resnet{depth}')),
    head=dict(num_stages=num_stages))
