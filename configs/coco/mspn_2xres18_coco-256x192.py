# 2-stage MSPN with ResNet-18 down units (paper Table 3, "2xRes-18": 71.6 AP), COCO 256x192.
_base_ = ['../_base_/mspn_coco-256x192.py']

model = dict(
    backbone=dict(num_stages=2, down_unit=dict(type='ResNet', depth=18)),
    head=dict(num_stages=2, kernel_schedule=[[15, 11, 9, 7], [11, 9, 7, 5]]))
