# 2-stage MSPN, ResNet-50 down units, COCO 256x192.
# Paper Table 2: 74.5 AP (COCO minival), 9.6 GFLOPs.
_base_ = ['../_base_/mspn_coco.py']

num_stages = 2
model = dict(backbone=dict(num_stages=num_stages), head=dict(num_stages=num_stages))
