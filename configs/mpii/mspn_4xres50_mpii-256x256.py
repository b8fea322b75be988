# 4-stage MSPN, ResNet-50 down units, MPII 256x256 (paper Table 9: 92.6 PCKh@0.5 on test), evaluated with PCKh@0.5.
_base_ = ['../_base_/mspn_coco-256x192.py']

input_size = (256, 256)
codec = dict(_base_.codec, input_size=input_size, test_kernel_size=9)  # paper: post-Gaussian filter 9 on MPII
model = dict(
    backbone=dict(num_stages=4),
    head=dict(
        num_stages=4,
        out_channels=16,
        kernel_schedule=[[15, 11, 9, 7]] * 3 + [[11, 9, 7, 5]],
        # MPII marks joints only as labelled or not, so every labelled joint is supervised
        loss=dict(mask_policy='labelled'),
        decoder=codec))
default_hooks = dict(checkpoint=dict(save_best='PCK', rule='greater'))

dataset_type = 'MpiiDataset'
data_root = 'data/mpii/'
mpii_steps = dict(
    GetBBoxCenterScale=dict(padding=1.0),  # MPII boxes come from the annotated centre and scale
    TopdownAffine=dict(input_size=input_size),
    GenerateTarget=dict(encoder=codec))
train_pipeline = [dict(step, **mpii_steps.get(step['type'], {})) for step in _base_.train_pipeline
                  if step['type'] != 'KeepVisibilityFlags']
val_pipeline = [dict(step, **mpii_steps.get(step['type'], {})) for step in _base_.val_pipeline]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        data_mode='topdown',
        ann_file='annotations/mpii_train.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        data_mode='topdown',
        ann_file='annotations/mpii_val.json',
        headbox_file='data/mpii/annotations/mpii_gt_val.mat',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='MpiiPCKAccuracy')  # PCKh@0.5
test_evaluator = val_evaluator
