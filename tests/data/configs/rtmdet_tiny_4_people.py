# RTMDet-tiny keeping at most 4 boxes, from its 1,000 best before NMS: the person detector of the live-stream test,
# whose random weights score every box high (the scene has 4 people).
_base_ = ['../../../demo/mmdetection_cfg/rtmdet_tiny_8xb32-300e_coco.py']

model = dict(test_cfg=dict(max_per_img=4, nms_pre=1000))
