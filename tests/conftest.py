"""Fixtures shared by the test suite: the two trainings that several end-to-end tests reuse, each made once per
run (the demo's sample model and a 4-iteration tiny model)."""
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.paths import TINY
from helpers.readme import run_readme


@dataclass
class DemoRun:
    """What ``tools/demo.py`` printed and left in its work directory."""

    work_dir: Path
    output: str
    checkpoint: Path


@pytest.fixture(scope='session')
def demo(tmp_path_factory) -> DemoRun:
    """``make demo``'s job, run once: the sample model trained from scratch on the bundled COCO images, evaluated,
    and run top-down on them. Its checkpoint serves every test that needs a trained model."""
    work_dir = tmp_path_factory.mktemp('demo')
    result = run_readme('make demo', extra=f'WORK_DIR={work_dir}')
    checkpoint = re.search(r'checkpoint: (\S+\.pth)', result.stdout)[1]
    return DemoRun(work_dir, result.stdout, Path(checkpoint))


@pytest.fixture(scope='session')
def tiny_run(tmp_path_factory) -> Path:
    """The tiny config trained once for 4 iterations by tools/train.py (checkpoints at iterations 2 and 4)."""
    work_dir = tmp_path_factory.mktemp('tiny')
    run_readme('.venv/bin/python tools/train.py CONFIG --work-dir WORK_DIR', CONFIG=TINY, WORK_DIR=work_dir)
    return work_dir
