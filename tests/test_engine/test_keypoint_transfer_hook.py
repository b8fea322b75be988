"""KeypointTransferHook by configuration: tools/train.py fine-tunes a 5-keypoint model from the tiny 17-keypoint
training's checkpoint, logging the summary line, and trains and evaluates on the 5-keypoint data."""
import pytest

from helpers.five_keypoints import write_five_keypoint_dataset
from helpers.paths import TINY
from helpers.readme import run_readme
from mspn_plugin.checkpoint import load_checkpoint_weights_only

pytestmark = pytest.mark.slow

CONFIG = '''_base_ = [{tiny!r}]
metainfo = dict(from_file={metainfo!r})
model = dict(head=dict(out_channels=5))
# the COCO pipeline names COCO's upper/lower body joints; these come from the metainfo
train_pipeline = [dict(step, upper_body_ids=None, lower_body_ids=None) if step['type'] == 'UpperLowerBodyCrop'
                  else step for step in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(metainfo=metainfo, ann_file={annotations!r}, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(metainfo=metainfo, ann_file={annotations!r}))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file={annotations!r})
test_evaluator = val_evaluator
train_cfg = dict(max_iters=2, val_interval=2)
param_scheduler = [dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=2)]
custom_hooks = [dict(type='KeypointTransferHook', checkpoint={checkpoint!r})]
'''


def test_train_fine_tunes_five_keypoints_from_a_coco_checkpoint(tiny_run, tmp_path):
    metainfo, annotations = write_five_keypoint_dataset(tmp_path)
    checkpoint = str(tiny_run / 'iter_4.pth')
    config = tmp_path / 'mspn_tiny_five_keypoints.py'
    config.write_text(CONFIG.format(tiny=str(TINY), metainfo=str(metainfo), annotations=str(annotations),
                                    checkpoint=checkpoint))
    result = run_readme('.venv/bin/python tools/train.py CONFIG --work-dir WORK_DIR', CONFIG=config,
                        WORK_DIR=tmp_path / 'work')
    output = result.stdout + result.stderr
    coco = load_checkpoint_weights_only(checkpoint)['state_dict']
    kept = sum(1 for key, value in coco.items() if not (key.startswith('head.') and value.shape[:1] == (17,)))
    assert (f'fine-tuning from {checkpoint} (17 -> 5 keypoints): loaded {kept} of {kept + 40} tensors; '
            're-initialised 40: head.predictors.0.0.') in output
    assert 'rows of 3 keypoints carried over by name into 40 of them (left_shoulder, right_shoulder, nose)' in output
    assert 'coco/AP: ' in output  # evaluated with the 5-keypoint sigmas
    trained = load_checkpoint_weights_only(str(tmp_path / 'work/iter_2.pth'))
    assert trained['state_dict']['head.predictors.1.0.convs.1.conv.weight'].shape[0] == 5
    assert trained['meta']['dataset_meta']['num_keypoints'] == 5
