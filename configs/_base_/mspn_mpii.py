# MSPN on MPII at 256x256 with the authors' MPII schedule: what the MPII configs start from.
_base_ = ['schedules/authors_mpii.py', 'models/mspn.py', 'datasets/mpii_topdown_256x256.py']

model = dict(
    head=dict(
        out_channels=16,
        # MPII marks joints only as labelled or not (the authors' loader maps every labelled joint to visible)
        loss=dict(mask_policy='labelled'),
        decoder=_base_.codec))
default_hooks = dict(checkpoint=dict(save_best='PCK', rule='greater'))
