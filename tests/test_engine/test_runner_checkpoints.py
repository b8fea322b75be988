"""MMEngine's runner saves, loads and resumes our model's checkpoints under torch's weights-only loading."""
import os
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

import mspn_plugin  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / 'tests/data/configs/mspn_tiny_coco.py'

pytestmark = pytest.mark.slow


def make_runner(work_dir: Path, **overrides) -> Runner:
    cfg = Config.fromfile(str(TINY))
    cfg.work_dir = str(work_dir)
    cfg.merge_from_dict(overrides)
    cwd = os.getcwd()
    os.chdir(ROOT)  # the tiny config's data_root is relative to the checkout
    try:
        return Runner.from_cfg(cfg)
    finally:
        os.chdir(cwd)


def test_train_save_resume_and_load(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    full = make_runner(tmp_path / 'full')
    full.train()
    assert (tmp_path / 'full/iter_2.pth').exists() and (tmp_path / 'full/iter_4.pth').exists()

    resumed = make_runner(tmp_path / 'resumed', resume=True, load_from=str(tmp_path / 'full/iter_2.pth'))
    resumed.train()
    assert resumed.iter == 4
    final_full = full.model.state_dict()
    for key, value in resumed.model.state_dict().items():
        torch.testing.assert_close(value, final_full[key], rtol=1e-4, atol=1e-5, msg=key)

    tester = make_runner(tmp_path / 'test', load_from=str(tmp_path / 'full/iter_4.pth'))
    metrics = tester.test()
    assert 'coco/AP' in metrics
