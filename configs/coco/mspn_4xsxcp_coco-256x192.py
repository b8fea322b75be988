# 4-stage MSPN with small Xception-style (depthwise-separable) down units, "4xS-XCP" of the paper's Table 3;
# at about the GMACs of the single large "L-XCP" (configs/coco/mspn_1xlxcp_coco-256x192.py). The paper does not
# give the Xception widths: these are ours, chosen for the Table 3 complexity ratio. Random init (no ImageNet).
_base_ = ['../_base_/mspn_coco-256x192.py']

model = dict(
    backbone=dict(
        num_stages=4,
        down_unit=dict(_delete_=True, type='XceptionDownUnit', channels=(64, 128, 256, 512), num_blocks=(2, 3, 4, 2))),
    head=dict(num_stages=4, kernel_schedule=[[15, 11, 9, 7]] * 3 + [[11, 9, 7, 5]]))
