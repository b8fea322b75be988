# Hourglass with 4 stack(s) on COCO 256x192, trained as MSPN is (the paper's Hourglass baseline).
# Paper Table 2: 71.3 AP (COCO minival), 10.6 GFLOPs (the paper's hourglass modules; ours are MMPose's, see the base).
# Also Table 4's Hourglass BaseNet (71.3 AP): neither coarse-to-fine supervision nor cross-stage aggregation.
_base_ = ['../../_base_/hourglass_coco.py']

num_stacks = 4
model = dict(
    backbone=dict(num_stacks=num_stacks),
    head=dict(num_stages=num_stacks, kernel_schedule=[[_base_.uniform_kernel]] * num_stacks))
