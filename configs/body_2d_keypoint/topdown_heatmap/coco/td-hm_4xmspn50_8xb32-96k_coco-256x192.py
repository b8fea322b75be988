# 4-stage MSPN, ResNet-50 down units, COCO 256x192.
# Paper Table 2: 75.9 AP (COCO minival), 19.9 GFLOPs.
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

num_stages = 4
model = dict(backbone=dict(num_stages=num_stages), head=dict(num_stages=num_stages))
