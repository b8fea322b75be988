"""The training and testing entry points, end to end on the tiny config and the bundled COCO images."""
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from helpers.paths import ROOT, TINY
from helpers.readme import run_readme
from helpers.tools import run as run_command
from mspn_plugin.checkpoint import load_checkpoint_weights_only

VENV_BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def run(*args, env: dict | None = None) -> str:
    result = run_command(*args, env=env)
    return result.stdout + result.stderr


def train(work_dir: Path, *extra: str) -> str:
    return run(sys.executable, 'tools/train.py', TINY, '--work-dir', work_dir, *extra)


def weights(path: Path) -> dict:
    return load_checkpoint_weights_only(str(path), map_location='cpu')['state_dict']


def coco_ap(output: str) -> float:
    return float(re.findall(r'coco/AP: ([0-9.]+)', output)[-1])


@pytest.fixture(scope='module')
def trained(tiny_run) -> Path:
    """An uninterrupted 4-iteration run (checkpoints at iterations 2 and 4)."""
    return tiny_run


def test_resume_reaches_the_uninterrupted_weights(trained, tmp_path):
    train(tmp_path, '--cfg-options', 'train_cfg.max_iters=2')
    assert (tmp_path / 'iter_2.pth').exists() and not (tmp_path / 'iter_4.pth').exists()
    output = train(tmp_path, '--resume')
    assert 'resumed' in output.lower()
    full, resumed = weights(trained / 'iter_4.pth'), weights(tmp_path / 'iter_4.pth')
    assert full.keys() == resumed.keys()
    for key in full:
        torch.testing.assert_close(resumed[key], full[key], rtol=1e-5, atol=1e-6, msg=key)


LONGER = ('--cfg-options', 'train_cfg.max_iters=16', 'train_cfg.val_interval=1000', 'param_scheduler.0.end=16',
          'default_hooks.checkpoint.interval=4')


def test_a_killed_run_resumes_to_the_uninterrupted_weights(tmp_path):
    """SIGKILL a 16-iteration run once its iteration-8 checkpoint exists (possibly during a later save), resume it
    with --resume: the final weights equal those of a run never interrupted."""
    train(tmp_path / 'full', *LONGER)
    killed = tmp_path / 'killed'
    process = subprocess.Popen([sys.executable, 'tools/train.py', str(TINY), '--work-dir', str(killed), *LONGER],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (killed / 'iter_8.pth').exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL and not (killed / 'iter_16.pth').exists()
    output = train(killed, '--resume', *LONGER)
    assert 'resumed' in output.lower()
    full, resumed = weights(tmp_path / 'full/iter_16.pth'), weights(killed / 'iter_16.pth')
    assert full.keys() == resumed.keys()
    for key in full:
        torch.testing.assert_close(resumed[key], full[key], rtol=1e-5, atol=1e-6, msg=key)


def test_test_tool_scores_a_checkpoint(trained, tmp_path):
    output = run(sys.executable, 'tools/test.py', TINY, trained / 'iter_4.pth', '--work-dir', tmp_path,
                 '--cfg-options', 'test_evaluator.nms_mode=none')
    assert 0.0 <= coco_ap(output) <= 1.0


def test_test_tool_refuses_a_missing_checkpoint(tmp_path):
    result = subprocess.run([sys.executable, 'tools/test.py', TINY, str(tmp_path / 'none.pth')], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0 and 'none.pth does not exist' in result.stderr


def test_amp_trains(tmp_path):
    train(tmp_path, '--amp', '--cfg-options', 'train_cfg.max_iters=2')
    log = next(tmp_path.glob('*/vis_data/scalars.json')).read_text().splitlines()
    losses = [json.loads(line)['loss'] for line in log if '"loss"' in line]
    assert len(losses) == 2 and all(torch.isfinite(torch.tensor(losses)))


def test_two_process_training_ends_with_identical_parameters(two_process_run):
    work_dir = two_process_run.work_dir
    rank0, rank1 = (torch.load(work_dir / f'params_rank{r}.pth', weights_only=True) for r in (0, 1))
    saved = weights(work_dir / 'iter_8.pth')
    assert rank0.keys() == rank1.keys() and len(rank0) > 100
    for key in rank0:
        torch.testing.assert_close(rank0[key], rank1[key], rtol=0, atol=0, msg=key)
        torch.testing.assert_close(rank0[key], saved[key], rtol=0, atol=0, msg=key)


def test_two_process_testing(trained, tmp_path):
    result = run_readme('bash tools/dist_test.sh CONFIG CHECKPOINT NUM_GPUS --work-dir WORK_DIR', CONFIG=TINY,
                        CHECKPOINT=trained / 'iter_4.pth', NUM_GPUS=2, WORK_DIR=tmp_path,
                        env={'PORT': '29612', 'PYTHON': sys.executable})
    assert 0.0 <= coco_ap(result.stdout + result.stderr) <= 1.0


def test_mim_train_and_test(trained, tmp_path):
    mim = VENV_BIN / 'mim'
    run(mim, 'train', 'mmpose', TINY, '--gpus', '0', '--work-dir', tmp_path, '--cfg-options',
        'train_cfg.max_iters=2')
    assert (tmp_path / 'iter_2.pth').exists()
    output = run(mim, 'test', 'mmpose', TINY, '--checkpoint', trained / 'iter_4.pth', '--gpus', '0',
                 '--work-dir', tmp_path)
    assert 0.0 <= coco_ap(output) <= 1.0


def test_mmpose_own_test_tool_with_our_config(trained, tmp_path):
    import mmpose
    mmpose_test = Path(mmpose.__file__).parent / '.mim/tools/test.py'
    output = run(sys.executable, mmpose_test, TINY, trained / 'iter_4.pth', '--work-dir', tmp_path)
    assert 0.0 <= coco_ap(output) <= 1.0
