# AI Challenger (14 keypoints), top-down at 256x192: the COCO pipeline of coco_topdown_256x192.py with MMPose's AIC
# dataset class and metainfo (flip pairs, half-body split, sigmas), ground-truth boxes at test time, COCO-style AP
# without area ranges (prefix aic).
_base_ = ['coco_topdown_256x192.py']
from mspn_plugin.datasets import with_metainfo_body_split  # noqa: E402  (after _base_: MMEngine reads the config as such)

dataset_type = 'AicDataset'
data_root = 'data/aic/'
train_pipeline = with_metainfo_body_split(_base_.train_pipeline)
train_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, ann_file='annotations/aic_train.json',
    data_prefix=dict(img='ai_challenger_keypoint_train_20170902/keypoint_train_images_20170902/'),
    pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, ann_file='annotations/aic_val.json', bbox_file=None,
    data_prefix=dict(img='ai_challenger_keypoint_validation_20170911/keypoint_validation_images_20170911/')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/aic_val.json', use_area=False, prefix='aic')
test_evaluator = val_evaluator
