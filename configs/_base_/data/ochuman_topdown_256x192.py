# OCHuman (heavily occluded people, COCO's 17 keypoints), evaluation only: OCHuman has only val/test sets, so training
# stays on COCO (coco_topdown_256x192.py) and val/test read OCHuman val with MMPose's OCHuman dataset class,
# ground-truth boxes, COCO AP (prefix ochuman).
_base_ = ['coco_topdown_256x192.py']

data_root = 'data/ochuman/'
val_dataloader = dict(dataset=dict(
    type='OCHumanDataset', data_root=data_root, ann_file='annotations/ochuman_coco_format_val_range_0.00_1.00.json',
    bbox_file=None, data_prefix=dict(img='images/')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/ochuman_coco_format_val_range_0.00_1.00.json',
                     prefix='ochuman')
test_evaluator = val_evaluator
