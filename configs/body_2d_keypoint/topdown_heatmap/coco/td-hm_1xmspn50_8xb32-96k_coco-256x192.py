# 1-stage MSPN (one GlobalNet module), ResNet-50 down unit, COCO 256x192.
# Paper Table 1 / Table 2: 71.5 AP (COCO minival), 4.4 GFLOPs.
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

num_stages = 1
model = dict(backbone=dict(num_stages=num_stages), head=dict(num_stages=num_stages))
