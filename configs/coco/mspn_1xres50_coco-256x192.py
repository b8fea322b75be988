# 1-stage MSPN (a single GlobalNet module), ResNet-50 down unit, COCO 256x192 (paper Table 2: 71.5 AP).
_base_ = ['../_base_/mspn_coco-256x192.py']

model = dict(
    backbone=dict(num_stages=1),
    head=dict(num_stages=1, kernel_schedule=[[11, 9, 7, 5]]))  # a single stage is the last stage
