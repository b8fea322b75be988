from pathlib import Path

import pytest
from mmengine.fileio import LocalBackend

from helpers.paths import TINY
from mspn_plugin.engine import SafeCheckpointHook, build_runner, prepare_config

# end to end: exports and runner trainings take seconds each
pytestmark = pytest.mark.slow


def tiny_runner(work_dir: Path, max_iters: int):
    options = {'train_cfg.max_iters': max_iters, 'train_cfg.val_interval': 100,
               'default_hooks.checkpoint.interval': 1, 'default_hooks.checkpoint.max_keep_ckpts': 1}
    return build_runner(prepare_config(TINY, work_dir=str(work_dir), cfg_options=options))


def checkpoints(work_dir: Path) -> list[str]:
    return sorted(p.name for p in work_dir.glob('iter_*.pth'))


def test_keeps_max_keep_ckpts_and_points_last_checkpoint_at_the_newest(tmp_path):
    runner = tiny_runner(tmp_path, max_iters=3)
    assert any(isinstance(hook, SafeCheckpointHook) for hook in runner.hooks)
    runner.train()
    assert checkpoints(tmp_path) == ['iter_3.pth']
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path / 'iter_3.pth')


def test_a_kill_while_saving_keeps_the_previous_checkpoint_and_its_pointer(tmp_path, monkeypatch):
    tiny_runner(tmp_path, max_iters=2).train()
    assert checkpoints(tmp_path) == ['iter_2.pth']
    original_put = LocalBackend.put

    def die_while_writing_iter_3(self, obj, filepath) -> None:
        if 'iter_3' in str(filepath):
            raise KeyboardInterrupt('killed during the save of iteration 3')
        original_put(self, obj, filepath)

    monkeypatch.setattr(LocalBackend, 'put', die_while_writing_iter_3)
    runner = tiny_runner(tmp_path, max_iters=4)
    runner._resume = True
    with pytest.raises(KeyboardInterrupt):
        runner.train()
    # MMEngine's CheckpointHook would have deleted iter_2.pth before this save (max_keep_ckpts=1)
    assert checkpoints(tmp_path) == ['iter_2.pth']
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path / 'iter_2.pth')
