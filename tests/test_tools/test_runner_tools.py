"""The training and testing entry points, end to end on the tiny config and the bundled COCO images: the README's
commands as written, resume (also after SIGKILL), AMP, MMEngine's DDP over gloo, mim and MMPose's own test tool."""
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import torch

from helpers.paths import ROOT, TINY
from helpers.readme import run_readme
from helpers.tools import load_tool
from mspn_plugin.checkpoint import load_checkpoint_weights_only
from mspn_plugin.engine import build_runner, prepare_config

pytestmark = pytest.mark.slow
MMPOSE_TEST = ('.venv/bin/python "$(.venv/bin/python -c \'import mmpose, os; print(os.path.dirname(mmpose.__file__))\')'
               '/.mim/tools/test.py" CONFIG CHECKPOINT --work-dir WORK_DIR')


def train_in_process(work_dir: Path, *options: str) -> None:
    """tools/train.py's main in this process (a fresh MMEngine experiment name: loggers are per name)."""
    options = list(options) if '--cfg-options' in options else [*options, '--cfg-options']
    status = load_tool('train').main([str(TINY), '--work-dir', str(work_dir), *options,
                                      f'experiment_name={uuid.uuid4().hex}'])
    assert status == 0


def weights(path: Path) -> dict:
    return load_checkpoint_weights_only(str(path), map_location='cpu')['state_dict']


def assert_same_weights(a: Path, b: Path) -> None:
    first, second = weights(a), weights(b)
    assert first.keys() == second.keys()
    for key in first:
        torch.testing.assert_close(second[key], first[key], rtol=1e-5, atol=1e-6, msg=key)


def coco_ap(output: str) -> float:
    return float(re.findall(r'coco/AP: ([0-9.]+)', output)[-1])


def test_a_killed_run_resumes_to_the_uninterrupted_weights(tiny_run, tmp_path):
    """SIGKILL the tiny 4-iteration run once its iteration-2 checkpoint exists (possibly during the next save), then
    the README's --resume command: the final weights equal those of the run never interrupted (tiny_run)."""
    process = subprocess.Popen([sys.executable, 'tools/train.py', str(TINY), '--work-dir', str(tmp_path)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (tmp_path / 'iter_2.pth').exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL and not (tmp_path / 'iter_4.pth').exists()
    result = run_readme('.venv/bin/python tools/train.py CONFIG --work-dir WORK_DIR --resume', CONFIG=TINY,
                        WORK_DIR=tmp_path)
    assert 'resumed' in (result.stdout + result.stderr).lower()
    assert_same_weights(tiny_run / 'iter_4.pth', tmp_path / 'iter_4.pth')


def test_test_tool_scores_a_checkpoint(tiny_run, tmp_path):
    result = run_readme('.venv/bin/python tools/test.py CONFIG CHECKPOINT --work-dir WORK_DIR', CONFIG=TINY,
                        CHECKPOINT=tiny_run / 'iter_4.pth', WORK_DIR=tmp_path)
    assert 0.0 <= coco_ap(result.stdout + result.stderr) <= 1.0


def test_test_tool_refuses_a_missing_checkpoint(tmp_path, capsys):
    assert load_tool('test').main([str(TINY), str(tmp_path / 'none.pth')]) == 1
    assert 'none.pth does not exist' in capsys.readouterr().err


def test_amp_trains(tmp_path):
    """What tools/train.py --amp builds (bfloat16 autocast without a GPU) trains with finite losses."""
    runner = build_runner(prepare_config(str(TINY), str(tmp_path), {'train_cfg.max_iters': 2}, amp=True))
    runner.train()
    expected = 'AmpOptimWrapper' if torch.cuda.is_available() else 'CPUBFloat16OptimWrapper'
    assert type(runner.optim_wrapper).__name__ == expected
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and np.isfinite(losses).all()


def test_two_process_training_ends_with_identical_parameters(two_process_run):
    work_dir = two_process_run.work_dir
    rank0, rank1 = (torch.load(work_dir / f'params_rank{r}.pth', weights_only=True) for r in (0, 1))
    saved = weights(work_dir / 'iter_8.pth')
    assert rank0.keys() == rank1.keys() and len(rank0) > 100
    for key in rank0:
        torch.testing.assert_close(rank0[key], rank1[key], rtol=0, atol=0, msg=key)
        torch.testing.assert_close(rank0[key], saved[key], rtol=0, atol=0, msg=key)


def test_two_process_testing(tiny_run, tmp_path):
    result = run_readme('bash tools/dist_test.sh CONFIG CHECKPOINT NUM_GPUS --work-dir WORK_DIR', CONFIG=TINY,
                        CHECKPOINT=tiny_run / 'iter_4.pth', NUM_GPUS=2, WORK_DIR=tmp_path,
                        env={'PORT': '29612', 'PYTHON': sys.executable})
    assert 0.0 <= coco_ap(result.stdout + result.stderr) <= 1.0


def test_mim_train_and_test(tiny_run, tmp_path):
    run_readme('.venv/bin/mim train mmpose CONFIG --gpus 0 --work-dir WORK_DIR', CONFIG=TINY, WORK_DIR=tmp_path,
               extra='--cfg-options train_cfg.max_iters=2')
    assert (tmp_path / 'iter_2.pth').exists()
    result = run_readme('.venv/bin/mim test mmpose CONFIG --checkpoint CHECKPOINT --gpus 0 --work-dir WORK_DIR',
                        CONFIG=TINY, CHECKPOINT=tiny_run / 'iter_4.pth', WORK_DIR=tmp_path)
    assert 0.0 <= coco_ap(result.stdout + result.stderr) <= 1.0


def test_mmpose_own_test_tool_with_our_config(tiny_run, tmp_path):
    result = run_readme(MMPOSE_TEST, CONFIG=TINY, CHECKPOINT=tiny_run / 'iter_4.pth', WORK_DIR=tmp_path)
    assert 0.0 <= coco_ap(result.stdout + result.stderr) <= 1.0
