# Table 4 ablation: 2xMSPN-Res50 without cross-stage feature aggregation.
_base_ = ['../mspn_2xres50_coco-256x192.py']

model = dict(backbone=dict(cross_stage_aggregation=False))
