# Table 4, Hourglass "BaseNet + CTF": the 4-stack Hourglass supervised coarse to fine, one Gaussian per stack from
# large to small. Paper: 72.5 AP (COCO minival; 71.3 without CTF, td-hm_4xhourglass_8xb32-96k_coco-256x192.py). The paper
# gives no kernel sizes: ours end at 5, as MSPN's last stage does. Table 4's third Hourglass row (+ cross-stage
# aggregation, 73.0) has no config: MMPose's HourglassNet has no cross-stage aggregation.
_base_ = ['td-hm_4xhourglass_8xb32-96k_coco-256x192.py']

model = dict(head=dict(kernel_schedule=[[11], [9], [7], [5]]))
