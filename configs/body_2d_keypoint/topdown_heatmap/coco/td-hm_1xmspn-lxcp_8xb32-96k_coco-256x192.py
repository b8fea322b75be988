# Single-stage MSPN with a large Xception-style down unit ("L-XCP"), COCO 256x192.
# Paper Table 3: 73.7 AP (COCO minival), 6.1 GFLOPs. Widths are ours (see td-hm_4xmspn-sxcp_8xb32-96k_coco-256x192.py). No ImageNet
# weights exist in this layout: random init (init_cfg=None).
_base_ = ['td-hm_2xmspn50_8xb32-96k_coco-256x192.py']

num_stages = 1
model = dict(
    backbone=dict(
        num_stages=num_stages,
        down_unit=dict(_delete_=True, type='XceptionDownUnit', channels=(192, 384, 768, 1536), num_blocks=(2, 3, 4, 2)),
        init_cfg=None),
    head=dict(num_stages=num_stages))
