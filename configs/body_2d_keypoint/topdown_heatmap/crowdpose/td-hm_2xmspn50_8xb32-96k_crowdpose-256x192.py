# 2-stage MSPN on CrowdPose: the recipe of ../coco/td-hm_2xmspn50_8xb32-96k_coco-256x192.py (same schedule and model
# bases) with CrowdPose's data (configs/_base_/data/crowdpose_topdown_256x192.py) and 14 output heatmaps; the best
# checkpoint is chosen by crowdpose/AP (save_best='auto' follows the evaluator's prefix).
_base_ = ['../../../_base_/schedules/authors_coco.py', '../../../_base_/models/mspn.py',
          '../../../_base_/data/crowdpose_topdown_256x192.py']

model = dict(head=dict(out_channels=14, decoder=_base_.codec))
