"""The inference API's PosePredictor: checkpoints it refuses, OKS without sigmas refused, and the old name still
working."""
import os

import pytest
import torch

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import TINY
from mspn_plugin.apis import PosePredictor, TrackingConfig
from mspn_plugin.checkpoint import UnsafeCheckpointError


class RunsCode:
    def __reduce__(self):
        return os.system, ('true',)


def test_pose_model_refuses_missing_and_unsafe_checkpoints(tmp_path):
    config = str(TINY)
    with pytest.raises(FileNotFoundError, match='none.pth'):
        PosePredictor(config, str(tmp_path / 'none.pth'), device='cpu')
    evil = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'x': RunsCode()}, evil)
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        PosePredictor(config, str(evil), device='cpu')


def test_the_old_name_is_an_alias_with_a_warning():
    import mspn_plugin.apis as apis

    with pytest.warns(DeprecationWarning, match='PosePredictor'):
        assert apis.TopdownPoseEstimation is PosePredictor


def test_oks_needs_the_sigmas_of_the_dataset_metainfo(tmp_path):
    """A model whose dataset metainfo has no OKS sigmas: OKS-NMS and OKS tracking are refused with one line naming
    the config (never COCO's sigmas in their place); box NMS and IoU tracking work."""
    from mspn_plugin.apis.inference_runner import VideoPoses
    from mspn_plugin.utils.errors import InputError

    path = save_random_checkpoint(TINY, tmp_path / 'tiny.pth')
    checkpoint = torch.load(path, weights_only=True)
    checkpoint['meta'] = {'dataset_meta': {'num_keypoints': 17, 'flip_indices': list(range(17))}}
    torch.save(checkpoint, path)
    with pytest.raises(InputError, match=rf'{TINY}: the dataset metainfo gives no OKS sigmas, which OKS-NMS'):
        PosePredictor(str(TINY), str(path), device='cpu')
    predictor = PosePredictor(str(TINY), str(path), device='cpu', oks_nms_thr=None)
    with pytest.raises(InputError, match='no OKS sigmas, which OKS tracking'):
        VideoPoses(predictor, TrackingConfig(match='oks'), None)
    assert VideoPoses(predictor, TrackingConfig(match='iou'), None).tracker.sigmas is None
