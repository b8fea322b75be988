import os

import pytest
import torch
from mmengine.fileio import LocalBackend

from helpers.paths import TINY
from mspn_plugin.checkpoint import CheckpointMismatchError
from mspn_plugin.engine import SafeRunner, build_runner, prepare_config


@pytest.fixture
def runner(tmp_path) -> SafeRunner:
    runner = build_runner(prepare_config(TINY, work_dir=str(tmp_path)))
    assert isinstance(runner, SafeRunner)
    return runner


def test_a_save_killed_halfway_leaves_the_previous_checkpoint_intact(runner, tmp_path, monkeypatch):
    runner.save_checkpoint(str(tmp_path), 'iter_2.pth', save_optimizer=False, save_param_scheduler=False)
    before = (tmp_path / 'iter_2.pth').read_bytes()

    def write_half_then_die(self, obj: bytes, filepath) -> None:
        with open(filepath, 'wb') as f:
            f.write(obj[:len(obj) // 2])
        raise KeyboardInterrupt('killed during the write')

    monkeypatch.setattr(LocalBackend, 'put', write_half_then_die)
    with torch.no_grad():
        next(runner.model.parameters()).add_(1.0)
    with pytest.raises(KeyboardInterrupt):
        runner.save_checkpoint(str(tmp_path), 'iter_2.pth', save_optimizer=False, save_param_scheduler=False)
    assert (tmp_path / 'iter_2.pth').read_bytes() == before
    assert not [name for name in os.listdir(tmp_path) if name.endswith('.tmp')]


def test_checkpoints_that_do_not_fit_are_refused_naming_the_keys(runner, tmp_path):
    state_dict = runner.model.state_dict()
    path = tmp_path / 'other.pth'
    torch.save({'state_dict': {key: value for key, value in state_dict.items() if 'stages.1' not in key}}, path)
    with pytest.raises(CheckpointMismatchError, match=r'other.pth.*missing keys: backbone\.stages\.1'):
        runner.load_checkpoint(str(path))
    torch.save({'state_dict': {f'module.{key}': value for key, value in state_dict.items()}}, path)
    runner.load_checkpoint(str(path))  # a distributed run's prefix is fine


def test_two_runs_in_one_process_log_into_their_own_work_dirs(tmp_path):
    """MMPose's runtime names the visualizer 'visualizer'; MMEngine alone would hand the second run the first
    run's instance, and the second run's scalars would land in the first run's vis_data."""
    first, second = (build_runner(prepare_config(TINY, work_dir=str(tmp_path / name))) for name in ('a', 'b'))
    for runner, work_dir in ((first, tmp_path / 'a'), (second, tmp_path / 'b')):
        runner.visualizer.add_scalars({'loss': 1.0}, step=1)
        assert list(work_dir.glob('*/vis_data/scalars.json')), f'nothing logged under {work_dir}'
    assert first.visualizer is not second.visualizer
