# Table 4, first row ("BaseNet"): 2-stage MSPN-Res50 with neither coarse-to-fine supervision nor cross-stage
# feature aggregation. Paper: 73.3 AP (COCO minival).
# Without coarse-to-fine supervision every stage and scale is supervised with the same Gaussian; the paper does not
# give its size: 7 here, the kernel of Table 5's better uniform setting (1). Multi-scale supervision and OHKM stay.
_base_ = ['td-hm_2xmspn50-nocsfa_8xb32-96k_coco-256x192.py']

uniform_kernel = 7
model = dict(head=dict(kernel_schedule=[[uniform_kernel] * 4] * _base_.model.head.num_stages))
