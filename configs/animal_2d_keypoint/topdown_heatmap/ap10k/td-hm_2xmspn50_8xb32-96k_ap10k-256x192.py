# 2-stage MSPN on AP-10K animals: the recipe of
# configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_2xmspn50_8xb32-96k_coco-256x192.py (same schedule and model
# bases) with AP-10K's data (configs/_base_/data/ap10k_topdown_256x192.py), 17 output heatmaps as COCO; best
# checkpoint by ap10k/AP (save_best='auto' follows the evaluator's prefix).
_base_ = ['../../../_base_/schedules/authors_coco.py', '../../../_base_/models/mspn.py',
          '../../../_base_/data/ap10k_topdown_256x192.py']

model = dict(head=dict(decoder=_base_.codec))
