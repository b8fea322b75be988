# Hourglass with 4 stacks on COCO 256x192, trained as MSPN is (the paper's Hourglass baseline): the config the other
# Hourglass rows inherit. Data, schedule and test procedure: the MSPN COCO recipe.
# Paper Table 2: 71.3 AP (COCO minival), 10.6 GFLOPs (the paper's hourglass modules; ours are MMPose's, see
# ../../../_base_/models/hourglass.py). Also Table 4's Hourglass BaseNet (71.3 AP): neither coarse-to-fine
# supervision nor cross-stage aggregation.
_base_ = ['../../../_base_/schedules/authors_coco.py', '../../../_base_/models/hourglass.py',
          '../../../_base_/data/coco_topdown_256x192.py']

model = dict(head=dict(decoder=_base_.codec))
