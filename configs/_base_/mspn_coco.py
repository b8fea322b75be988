# MSPN on COCO at 256x192 with the authors' schedule: what every COCO config starts from (they set num_stages).
_base_ = ['schedules/authors_coco.py', 'models/mspn.py', 'datasets/coco_topdown_256x192.py']

model = dict(head=dict(decoder=_base_.codec))
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
