# The widening Hourglass variant of the paper's Table 2 ("2†", after [28], associative embedding): stage widths
# [256, 384, 512, 768] in both the down and up paths, 2 stacks, COCO 256x192.
# Paper Table 2: 71.7 AP (COCO minival), 15.4 GFLOPs. MMPose's HourglassNet takes a width per down-sampling level
# plus one: with its 4 levels at 256x192, the innermost repeats 768.
_base_ = ['td-hm_2xhourglass_8xb32-96k_coco-256x192.py']

model = dict(backbone=dict(stage_channels=(256, 384, 512, 768, 768)))
