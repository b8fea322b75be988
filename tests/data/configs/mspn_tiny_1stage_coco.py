# The tiny config with one stage (the reproduction tool's miniature table).
_base_ = ['mspn_tiny_coco.py']

model = dict(backbone=dict(num_stages=1), head=dict(num_stages=1, kernel_schedule=[[5, 5, 3, 3]]))
