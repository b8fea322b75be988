# Table 4 ablation: 2xMSPN-Res50 without coarse-to-fine supervision: one kernel for every stage and scale
# (7, the finest kernel of the paper's Table 5 setting 1). Intermediate supervision stays; to drop it as well,
# set model.head.loss.scale_weights=(0,0,0,1).
_base_ = ['../mspn_2xres50_coco-256x192.py']

model = dict(head=dict(kernel_schedule=[[7, 7, 7, 7], [7, 7, 7, 7]]))
