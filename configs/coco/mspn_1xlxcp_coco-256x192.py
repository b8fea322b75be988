# Single-stage MSPN with a large Xception-style down unit, "L-XCP" of the paper's Table 3 (compare with
# configs/coco/mspn_4xsxcp_coco-256x192.py at similar GMACs). Widths are ours. Random init (no ImageNet).
_base_ = ['../_base_/mspn_coco-256x192.py']

model = dict(
    backbone=dict(
        num_stages=1,
        down_unit=dict(_delete_=True, type='XceptionDownUnit', channels=(192, 384, 768, 1536),
                       num_blocks=(2, 3, 4, 2))),
    head=dict(num_stages=1, kernel_schedule=[[11, 9, 7, 5]]))
