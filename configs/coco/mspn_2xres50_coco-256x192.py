# 2-stage MSPN, ResNet-50 down units, COCO 256x192 (paper Table 2: 74.5 AP).
_base_ = ['../_base_/mspn_coco-256x192.py']

model = dict(
    backbone=dict(num_stages=2),
    head=dict(num_stages=2, kernel_schedule=[[15, 11, 9, 7], [11, 9, 7, 5]]))
