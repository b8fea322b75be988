# 4-stage MSPN, ResNet-50 down units, COCO 384x288 (heatmaps 96x72).
# The authors' README: 76.9 AP on COCO val (minival 2014 with their person boxes); paper section 4.5, Table 7: 76.1 AP
# on COCO test-dev (single model, COCO data only).
_base_ = ['td-hm_4xmspn50_8xb32-96k_coco-256x192.py']
from mspn_plugin.datasets import with_codec  # noqa: E402  (after _base_: MMEngine reads the config as such)

input_size = (288, 384)  # (w, h)
codec = dict(_base_.codec, input_size=input_size)
model = dict(head=dict(decoder=codec))
train_pipeline = with_codec(_base_.train_pipeline, codec)
val_pipeline = with_codec(_base_.val_pipeline, codec)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
