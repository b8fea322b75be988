"""The inference API's PosePredictor: checkpoints it refuses, and the old name still working."""
import os

import pytest
import torch

from helpers.paths import TINY
from mspn_plugin.apis import PosePredictor
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
