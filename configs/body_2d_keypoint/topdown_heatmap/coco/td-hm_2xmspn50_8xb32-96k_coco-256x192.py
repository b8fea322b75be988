# 2-stage MSPN, ResNet-50 down units, COCO 256x192, with the authors' schedule: the recipe that every COCO MSPN
# config here inherits (they change the stages, the down unit, the supervision or the input size).
# Paper Table 2: 74.5 AP (COCO minival), 9.6 GFLOPs; also Table 4 (+CTF +CSFA) and Table 5 setting 3.
_base_ = ['../../../_base_/schedules/authors_coco.py', '../../../_base_/models/mspn.py',
          '../../../_base_/data/coco_topdown_256x192.py']

model = dict(head=dict(decoder=_base_.codec))
