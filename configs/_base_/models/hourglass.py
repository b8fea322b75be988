# The paper's Hourglass baseline (Tables 2 and 4), trained like MSPN: MMPose's HourglassNet with equal-width stages,
# one heatmap predictor per stack (intermediate supervision) and MSPN's loss (L2 with OHKM on each stack's
# prediction). The paper does not configure its hourglass beyond "Hourglass [29]" (Newell et al.): MMPose's
# HourglassNet uses residual blocks of two 3x3 convs where Newell's uses bottlenecks, so at the same width it costs
# more than the paper's figures (GMACs in the README's model zoo). 256x192 allows 4 down-samplings per hourglass
# (64x48 -> 4x3). Leaf configs set num_stacks.
_base_ = ['mspn.py']

num_stacks = 4
# no coarse-to-fine supervision (Table 4's BaseNet); the paper gives no size: 7, the finest-scale kernel of every
# stage in the authors' MSPN without coarse-to-fine supervision (LOSS.COARSE_TO_FINE=False)
uniform_kernel = 7
model = dict(
    backbone=dict(
        _delete_=True,
        type='HourglassNet',
        num_stacks=num_stacks,
        downsample_times=4,
        stage_channels=(256, 256, 256, 256, 256),  # equal width in the down and up paths (paper section 3.1)
        stage_blocks=(1, 1, 1, 1, 1)),
    head=dict(
        num_stages=num_stacks,
        num_scales=1,  # one 1/4-scale map per stack
        in_channels=256,
        kernel_schedule=[[uniform_kernel]],  # the same for every stack
        loss=dict(scale_weights=(1.0, ))))  # the single scale is the finest: OHKM applies to it
