# Hourglass with 8 stack(s) on COCO 256x192, trained as MSPN is (the paper's Hourglass baseline).
# Paper Table 2: 71.6 AP (COCO minival), 19.5 GFLOPs (the paper's hourglass modules; ours are MMPose's).
_base_ = ['td-hm_4xhourglass_8xb32-96k_coco-256x192.py']

num_stacks = 8
model = dict(
    backbone=dict(num_stacks=num_stacks),
    head=dict(num_stages=num_stacks))
