# 1-stage MSPN (one GlobalNet module), ResNet-50 down unit, COCO 256x192.
# Paper Table 1 / Table 2: 71.5 AP (COCO minival), 4.4 GFLOPs.
_base_ = ['../_base_/mspn_coco.py']

num_stages = 1
model = dict(backbone=dict(num_stages=num_stages), head=dict(num_stages=num_stages))
