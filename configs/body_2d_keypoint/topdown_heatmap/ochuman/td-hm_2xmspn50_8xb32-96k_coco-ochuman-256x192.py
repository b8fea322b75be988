# 2-stage MSPN trained on COCO, evaluated on OCHuman val: the recipe of ../coco/td-hm_2xmspn50_8xb32-96k_coco-256x192.py
# (same schedule and model bases, training data) with OCHuman as val/test data (configs/_base_/data/
# ochuman_topdown_256x192.py); tools/test.py with a COCO checkpoint scores it; best checkpoint by ochuman/AP.
_base_ = ['../../../_base_/schedules/authors_coco.py', '../../../_base_/models/mspn.py',
          '../../../_base_/data/ochuman_topdown_256x192.py']

model = dict(head=dict(decoder=_base_.codec))
