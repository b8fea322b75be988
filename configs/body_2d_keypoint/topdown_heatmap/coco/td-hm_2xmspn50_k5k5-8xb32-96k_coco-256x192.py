# Table 5, setting 2: finest-scale kernel 5 in stage 1 and 5 in stage 2 (each stage's coarser scales step up from
# it, as in the authors' schedule). Paper: 74.0 AP (COCO minival).
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

model = dict(head=dict(kernel_schedule=[[11, 9, 7, 5], [11, 9, 7, 5]]))
