# Your own keypoints: the COCO recipe of ../coco/td-hm_2xmspn50_8xb32-96k_coco-256x192.py on a COCO-format annotation
# file with any number K of keypoints, described by a metainfo file (see configs/_base_/data/
# custom_keypoints_metainfo.py and README "Your own keypoints"). Set metainfo_file, num_keypoints and the data paths;
# the flip pairs, half-body split and OKS sigmas then come from the metainfo.
_base_ = ['../coco/td-hm_2xmspn50_8xb32-96k_coco-256x192.py']
from mspn_plugin.datasets import with_metainfo_body_split  # noqa: E402  (after _base_: MMEngine reads the config as such)

metainfo_file = '{{fileDirname}}/../../../_base_/data/custom_keypoints_metainfo.py'
num_keypoints = 5
data_root = 'data/custom/'

model = dict(head=dict(out_channels=num_keypoints))
train_pipeline = with_metainfo_body_split(_base_.train_pipeline)
train_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=dict(from_file=metainfo_file), ann_file='annotations/train.json',
    data_prefix=dict(img='images/'), pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=dict(from_file=metainfo_file), ann_file='annotations/val.json', bbox_file=None,
    data_prefix=dict(img='images/')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
test_evaluator = val_evaluator
