# 4-stage MSPN, ResNet-50 down units, COCO 256x192 (paper Table 2: 75.9 AP).
_base_ = ['../_base_/mspn_coco-256x192.py']

model = dict(
    backbone=dict(num_stages=4),
    # the authors' schedule; a kernel table that keeps shrinking over the stages is just another table here
    head=dict(num_stages=4, kernel_schedule=[[15, 11, 9, 7]] * 3 + [[11, 9, 7, 5]]))
