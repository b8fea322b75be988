# Table 4, first row ("BaseNet"): 2-stage MSPN-Res50 with neither coarse-to-fine supervision nor cross-stage
# feature aggregation. Paper: 73.3 AP (COCO minival).
# Without coarse-to-fine supervision, as the authors' code runs it (network.py, LOSS.COARSE_TO_FINE=False): the
# last stage keeps the kernels of the earlier ones, 15/11/9/7 from the coarsest scale to the finest, instead of
# moving one step finer (11/9/7/5). Multi-scale supervision within a stage and OHKM stay.
_base_ = ['td-hm_2xmspn50-nocsfa_8xb32-96k_coco-256x192.py']

model = dict(head=dict(kernel_schedule=[[15, 11, 9, 7]]))  # every stage
