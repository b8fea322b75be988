# Table 4, second row ("BaseNet + CTF"): 2-stage MSPN-Res50 with coarse-to-fine supervision and without cross-stage
# feature aggregation. Paper: 74.2 AP (COCO minival); with aggregation (td-hm_2xmspn50_8xb32-96k_coco-256x192.py): 74.5.
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

model = dict(backbone=dict(cross_stage_aggregation=False))
