# CrowdPose (14 keypoints), top-down at 256x192: the COCO pipeline of coco_topdown_256x192.py with MMPose's CrowdPose
# dataset class and metainfo (flip pairs, half-body split and sigmas come from it), trained on trainval, evaluated on
# test with the CrowdPose AP (iou_type keypoints_crowd, no area ranges: AP(E)/AP(M)/AP(H) by crowd index).
_base_ = ['coco_topdown_256x192.py']
from mspn_plugin.datasets import with_metainfo_body_split  # noqa: E402  (after _base_: MMEngine reads the config as such)

dataset_type = 'CrowdPoseDataset'
data_root = 'data/crowdpose/'
train_pipeline = with_metainfo_body_split(_base_.train_pipeline)
train_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, ann_file='annotations/mmpose_crowdpose_trainval.json',
    data_prefix=dict(img='images/'), pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, ann_file='annotations/mmpose_crowdpose_test.json',
    bbox_file='data/crowdpose/annotations/det_for_crowd_test_0.1_0.5.json', data_prefix=dict(img='images/')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/mmpose_crowdpose_test.json', use_area=False,
                     iou_type='keypoints_crowd', prefix='crowdpose')
test_evaluator = val_evaluator
