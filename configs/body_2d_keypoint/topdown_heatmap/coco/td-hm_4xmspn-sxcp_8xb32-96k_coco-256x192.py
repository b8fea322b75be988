# 4-stage MSPN with small Xception-style (depthwise-separable) down units ("4xS-XCP"), COCO 256x192.
# Paper Table 3: 74.7 AP (COCO minival), 5.7 GFLOPs. The paper gives no Xception widths: these are ours, chosen so
# that 4xS-XCP and 1xL-XCP (td-hm_1xmspn-lxcp_8xb32-96k_coco-256x192.py) cost about the same, as in Table 3. No ImageNet weights
# exist in this layout: the down units start from random weights (init_cfg=None).
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

num_stages = 4
model = dict(
    backbone=dict(
        num_stages=num_stages,
        down_unit=dict(_delete_=True, type='XceptionDownUnit', channels=(64, 128, 256, 512), num_blocks=(2, 3, 4, 2)),
        init_cfg=None),
    head=dict(num_stages=num_stages))
