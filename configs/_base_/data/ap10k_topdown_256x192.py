# AP-10K animal keypoints (17), top-down at 256x192: the COCO pipeline of coco_topdown_256x192.py with MMPose's AP-10K
# dataset class and metainfo (flip pairs, half-body split, sigmas), split 1, ground-truth boxes at test time, COCO AP
# (prefix ap10k).
_base_ = ['coco_topdown_256x192.py']
from mspn_plugin.datasets import with_metainfo_body_split  # noqa: E402  (after _base_: MMEngine reads the config as such)

dataset_type = 'AP10KDataset'
data_root = 'data/ap10k/'
train_pipeline = with_metainfo_body_split(_base_.train_pipeline)
train_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, ann_file='annotations/ap10k-train-split1.json',
    data_prefix=dict(img='data/'), pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, ann_file='annotations/ap10k-val-split1.json', bbox_file=None,
    data_prefix=dict(img='data/')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/ap10k-val-split1.json', prefix='ap10k')
test_evaluator = val_evaluator
