# 4-stage MSPN, ResNet-50 down units, COCO 384x288 (paper section 4.5); heatmaps are 96x72.
_base_ = ['../_base_/mspn_coco-256x192.py']

input_size = (288, 384)
codec = dict(_base_.codec, input_size=input_size)
model = dict(
    backbone=dict(num_stages=4),
    head=dict(num_stages=4, kernel_schedule=[[15, 11, 9, 7]] * 3 + [[11, 9, 7, 5]], decoder=codec))

# the base pipelines with the new input size
resized_steps = dict(TopdownAffine=dict(input_size=input_size), GenerateTarget=dict(encoder=codec))
train_pipeline = [dict(step, **resized_steps.get(step['type'], {})) for step in _base_.train_pipeline]
val_pipeline = [dict(step, **resized_steps.get(step['type'], {})) for step in _base_.val_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
