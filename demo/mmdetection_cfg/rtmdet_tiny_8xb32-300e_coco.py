# A person detector for tools/infer.py: MMDetection's RTMDet-tiny (COCO, 80 classes; person is label 0).
# Weights: MMDetection's model zoo file rtmdet_tiny_8xb32-300e_coco_20220902_112414-78e30dcc.pth, downloaded by
# the user (nothing is downloaded at run time). The ImageNet initialisation of the backbone is switched off.
_base_ = ['mmdet::rtmdet/rtmdet_tiny_8xb32-300e_coco.py']

model = dict(backbone=dict(init_cfg=None))
