# Hourglass with 2 stack(s) on COCO 256x192, trained as MSPN is (the paper's Hourglass baseline).
# Paper Table 2: 70.9 AP (COCO minival), 6.2 GFLOPs (the paper's hourglass modules; ours are MMPose's).
_base_ = ['td-hm_4xhourglass_8xb32-96k_coco-256x192.py']

num_stacks = 2
model = dict(
    backbone=dict(num_stacks=num_stacks),
    head=dict(num_stages=num_stacks))
