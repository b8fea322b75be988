"""Loading a 17-keypoint checkpoint into a 5-keypoint model: the trunk exactly, the per-keypoint layers
re-initialised, rows of keypoints of the same name carried over, and the summary line."""
import pytest
import torch
from mmengine.config import Config
from mmpose.apis import init_model
from mmpose.datasets.datasets.utils import parse_pose_metainfo

from helpers.five_keypoints import COCO_ROWS, NAMES, write_five_keypoint_dataset
from helpers.paths import TINY
from mspn_plugin.checkpoint import fine_tune_from, keypoint_names
from mspn_plugin.checkpoint.keypoint_transfer import matching_rows

COCO_META = parse_pose_metainfo(dict(from_file='configs/_base_/datasets/coco.py'))


def tiny_model(num_keypoints: int, seed: int) -> torch.nn.Module:
    cfg = Config.fromfile(str(TINY))
    cfg.model.head.out_channels = num_keypoints
    torch.manual_seed(seed)
    model = init_model(cfg, None, device='cpu')
    model.init_weights()
    return model


@pytest.fixture(scope='module')
def coco_checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp('coco') / 'coco17.pth'
    state_dict = tiny_model(17, seed=1).state_dict()
    torch.save({'state_dict': state_dict, 'meta': {'dataset_meta': COCO_META}}, path)
    return path, state_dict


@pytest.fixture(scope='module')
def five_meta(tmp_path_factory):
    metainfo, _ = write_five_keypoint_dataset(tmp_path_factory.mktemp('five'))
    return parse_pose_metainfo(dict(from_file=str(metainfo)))


def per_keypoint(key: str, tensor: torch.Tensor) -> bool:
    return key.startswith('head.') and tensor.dim() > 0 and tensor.shape[0] == 5


@pytest.mark.parametrize('by_name', [False, True])
def test_five_keypoint_model_from_coco_checkpoint(coco_checkpoint, five_meta, by_name):
    path, coco = coco_checkpoint
    model = tiny_model(5, seed=2)
    fresh = {key: value.clone() for key, value in model.state_dict().items()}
    line = fine_tune_from(model, str(path), five_meta, by_name=by_name)
    loaded = model.state_dict()
    keypoint_keys = [key for key, value in loaded.items() if per_keypoint(key, value)]
    # 2 stages x 4 scales x (the last conv weight (no bias: a BN follows) + that BN's weight, bias, mean, var)
    assert len(keypoint_keys) == 2 * 4 * 5
    for key, value in loaded.items():
        if key in keypoint_keys:
            expected = fresh[key].clone()
            if by_name:
                expected[:3] = coco[key][COCO_ROWS[:3]]
            assert torch.equal(value, expected), key
        else:
            assert torch.equal(value, coco[key]), key  # the trunk and every predictor layer before the last
    assert line.startswith(f'fine-tuning from {path} (17 -> 5 keypoints): loaded {len(loaded) - 40} of '
                           f'{len(loaded)} tensors; re-initialised 40: head.predictors.0.0.')
    assert ('rows of 3 keypoints carried over by name into 40 of them (left_shoulder, right_shoulder, nose)'
            in line) == by_name
    assert '\n' not in line


def test_matching_rows_follow_the_target_order():
    assert matching_rows(keypoint_names(COCO_META), NAMES) == ([5, 6, 0], [0, 1, 2])
    assert matching_rows(['a', 'b'], ['c']) == ([], [])
