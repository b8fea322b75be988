"""Fixtures shared by the test suite: the trainings that several end-to-end tests reuse, each made once per run
(the demo's sample model, a 4-iteration tiny model and an 8-iteration tiny model trained by two processes), and the
one-node Slurm cluster of the Slurm tests."""
import logging
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope

from helpers.paths import ROOT, TINY, TINY_RANK_PARAMS
from helpers.readme import run_readme
from helpers.tools import ONE_THREAD, run


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


@dataclass
class TrainingRun:
    """A training's work directory and what it printed."""

    work_dir: Path
    output: str


@pytest.fixture(scope='session')
def two_process_run(tmp_path_factory) -> TrainingRun:
    """The README's one-node command: the tiny config for 8 iterations (checkpoints every 2) by two processes of
    tools/dist_train.sh, each saving its parameters at the end (params_rank0.pth, params_rank1.pth)."""
    work_dir = tmp_path_factory.mktemp('two_process')
    result = run_readme('bash tools/dist_train.sh CONFIG NUM_GPUS --work-dir WORK_DIR', CONFIG=TINY_RANK_PARAMS,
                        NUM_GPUS=2, WORK_DIR=work_dir, env=dict(ONE_THREAD, PORT='29621', PYTHON=sys.executable))
    return TrainingRun(work_dir, result.stdout + result.stderr)


@pytest.fixture(scope='session')
def slurm_cluster(tmp_path_factory) -> Iterator[dict]:
    """A one-node Slurm cluster on localhost (tests/slurm/slurm_cluster.sh; its variables for the commands), started
    once for the tests that use it (one xdist worker: the cluster's ports are fixed), stopped afterwards. Where it
    cannot start, the test fails with the reason (it is never skipped)."""
    folder = tmp_path_factory.mktemp('slurm')
    script = ROOT / 'tests/slurm/slurm_cluster.sh'
    started = run('bash', script, 'start', folder, check=False, timeout=120)
    if started.returncode:
        pytest.fail(f'cannot start a one-node Slurm cluster with {script.relative_to(ROOT)} (root and the packages of '
                    f'tests/slurm/install_slurm.sh are needed; without root, run make test-no-slurm):\n'
                    f'{started.stderr.strip()}', pytrace=False)
    try:
        yield {'SLURM_CONF': str(folder / 'slurm.conf')}
    finally:
        run('bash', script, 'stop', folder, check=False, timeout=120)


@pytest.fixture(autouse=True)
def no_foreign_default_scope_left_behind():
    """Fails a test that leaves another library's registry scope current: under pytest-xdist the tests after it in
    the same worker would otherwise fail or pass depending on the order."""
    yield
    current = DefaultScope.get_current_instance()
    assert current is None or current.scope_name == 'mmpose', f'the test left scope {current.scope_name!r} current'


@pytest.fixture
def warnings_logged() -> list[str]:
    """Messages logged through MMEngine's current logger during the test (inference creates no logger of its own,
    and the handlers of an existing one may write to an earlier test's captured stdout)."""
    messages = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield messages
    logger.removeHandler(handler)


def pytest_configure(config) -> None:
    # Under pytest-xdist (make test runs the slow tests in two workers on two cores), one compute thread per worker
    # and per subprocess it starts: two workers with a thread per core each would oversubscribe the cores.
    if os.environ.get('PYTEST_XDIST_WORKER'):
        os.environ['OMP_NUM_THREADS'] = '1'
        torch.set_num_threads(1)


def _shares_a_fixture_of_its_module(item) -> bool:
    """Whether the test uses a module- or session-scoped fixture defined in its own module (pytest keeps no public
    record of where a fixture was defined: ``_fixtureinfo`` is read, a test of the grouping below watches it)."""
    module = item.nodeid.split('::')[0]
    return any(definitions[-1].scope in ('module', 'session') and definitions[-1].baseid == module
               for definitions in item._fixtureinfo.name2fixturedefs.values())


def pytest_itemcollected(item) -> None:
    """Tests sharing a session training run go to one xdist worker, so that the training runs once; so do the tests
    of a module that share one of its module-scoped fixtures (an export, a made checkpoint), which each worker would
    otherwise make again (marked as each test is collected: pytest-xdist reads the groups when the collection is
    complete)."""
    if 'demo' in item.fixturenames:
        item.add_marker(pytest.mark.xdist_group('demo'))
    elif {'tiny_run', 'two_process_run'} & set(item.fixturenames):
        item.add_marker(pytest.mark.xdist_group('tiny_runs'))
    elif 'slurm_cluster' in item.fixturenames:
        item.add_marker(pytest.mark.xdist_group('slurm'))
    elif _shares_a_fixture_of_its_module(item):
        item.add_marker(pytest.mark.xdist_group(item.nodeid.split('::')[0]))


def _start_order(item) -> int:
    fixtures = set(item.fixturenames)
    if 'demo' in fixtures:
        return 0
    if {'tiny_run', 'two_process_run'} & fixtures:
        return 1
    return 2 if 'slurm_cluster' in fixtures else 3


def pytest_collection_modifyitems(items: list) -> None:
    """The tests of the shared trainings first, the demo's (the longest, about 5 minutes on one core) before all:
    scheduled last, a group's training would start when the other worker has little left to run beside it."""
    items.sort(key=_start_order)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item) -> None:
    # An MMEngine logger writes to the stream that was sys.stdout when it was created, which pytest closes after that
    # test ('--- Logging error ---' in a later test of the same process): point those handlers at the current one.
    for logger in MMLogger._instance_dict.values():
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler and getattr(handler.stream, 'closed', False):
                handler.stream = sys.stdout  # (setStream would flush the closed one first)
