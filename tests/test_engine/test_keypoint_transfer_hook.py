"""KeypointTransferHook: on a toy model and runner (what it loads, that a resumed run is left alone), and by
configuration: tools/train.py fine-tunes a 5-keypoint model from the tiny 17-keypoint training's checkpoint, logging
the summary line, and trains and evaluates on the 5-keypoint data."""
import logging
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from helpers.five_keypoints import write_five_keypoint_dataset
from helpers.paths import TINY
from helpers.readme import run_readme
from mspn_plugin.checkpoint import load_checkpoint_weights_only
from mspn_plugin.engine import KeypointTransferHook


class Toy(nn.Module):
    """A trunk and a per-keypoint predictor (K output channels)."""

    def __init__(self, num_keypoints: int) -> None:
        super().__init__()
        self.backbone = nn.Linear(2, 3)
        self.head = nn.Conv2d(3, num_keypoints, 1)


def toy_runner(loaded_from: str | None, names: list[str]) -> SimpleNamespace:
    torch.manual_seed(1)
    dataset = SimpleNamespace(metainfo={'keypoint_id2name': dict(enumerate(names))})
    return SimpleNamespace(model=Toy(len(names)), _has_loaded=loaded_from is not None, _load_from=loaded_from,
                           train_dataloader=SimpleNamespace(dataset=dataset), logger=logging.getLogger('toy'))


@pytest.fixture
def two_keypoint_checkpoint(tmp_path):
    torch.manual_seed(0)
    model = Toy(2)
    path = tmp_path / 'ab.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {'dataset_meta': {'keypoint_id2name': {0: 'a', 1: 'b'}}}},
               path)
    return str(path), model.state_dict()


def test_hook_loads_what_fits_and_carries_rows_by_name(two_keypoint_checkpoint, caplog):
    path, source = two_keypoint_checkpoint
    runner = toy_runner(None, ['b', 'c', 'a'])
    fresh = {key: value.clone() for key, value in runner.model.state_dict().items()}
    with caplog.at_level(logging.INFO, logger='toy'):
        KeypointTransferHook(path).before_train(runner)
    loaded = runner.model.state_dict()
    assert torch.equal(loaded['backbone.weight'], source['backbone.weight'])
    expected = fresh['head.weight'].clone()
    expected[[0, 2]] = source['head.weight'][[1, 0]]
    assert torch.equal(loaded['head.weight'], expected)
    assert torch.equal(loaded['head.weight'][1], fresh['head.weight'][1])  # 'c' keeps its initialisation
    assert caplog.messages == [f'fine-tuning from {path} (2 -> 3 keypoints): loaded 2 of 4 tensors; re-initialised 2: '
                               'head.weight, head.bias; rows of 2 keypoints carried over by name into 2 of them (b, a)']


def test_hook_leaves_a_loaded_or_resumed_model_alone(two_keypoint_checkpoint, caplog):
    path, _ = two_keypoint_checkpoint
    runner = toy_runner('work_dirs/x/iter_8.pth', ['b', 'c', 'a'])
    before = {key: value.clone() for key, value in runner.model.state_dict().items()}
    with caplog.at_level(logging.INFO, logger='toy'):
        KeypointTransferHook(path).before_train(runner)
    assert all(torch.equal(value, before[key]) for key, value in runner.model.state_dict().items())
    assert caplog.messages == [f'KeypointTransferHook: weights come from work_dirs/x/iter_8.pth; {path} not '
                               'transferred']


CONFIG = '''_base_ = [{tiny!r}]
from mspn_plugin.datasets import with_metainfo_body_split  # noqa: E402
metainfo = dict(from_file={metainfo!r})
model = dict(head=dict(out_channels=5))
train_pipeline = with_metainfo_body_split(_base_.train_pipeline)
train_dataloader = dict(dataset=dict(metainfo=metainfo, ann_file={annotations!r}, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(metainfo=metainfo, ann_file={annotations!r}))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file={annotations!r})
test_evaluator = val_evaluator
train_cfg = dict(max_iters=2, val_interval=2)
param_scheduler = [dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False, begin=0, end=2)]
custom_hooks = [dict(type='KeypointTransferHook', checkpoint={checkpoint!r})]
'''


@pytest.mark.slow
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
