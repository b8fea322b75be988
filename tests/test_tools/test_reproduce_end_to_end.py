"""tools/reproduce.py end to end on the miniature table (tiny MSPNs, 4 iterations on the bundled images), through the
README's commands: under torchrun the row of two tables (one run), killed after a checkpoint and resumed, then run
again for nothing; under the tests' one-node Slurm with two tasks, the other row."""
import json
import re
import subprocess
import sys

import cv2
import pytest

from helpers.paths import DATA
from helpers.readme import fill, readme_command, run_readme
from helpers.tools import TEST_PYTHONPATH, load_tool, start

pytestmark = pytest.mark.slow
MINI_TABLES = DATA / 'reproduction/mini_tables.yml'
TORCHRUN = ('.venv/bin/python tools/reproduce.py TABLES --data-root DATA_ROOT --out-dir OUT_DIR --launcher torchrun '
            '--gpus NUM_GPUS')
SLURM = ('.venv/bin/python tools/reproduce.py TABLES --data-root DATA_ROOT --out-dir OUT_DIR --launcher slurm '
         '--partition PARTITION --gpus NUM_GPUS')
PYTHON = {'PYTHON': sys.executable}
TIMEOUT = 600
KILLED_RUN = 'mspn_tiny_coco_killed_once'


def report_rows(out_dir) -> dict:
    report = json.loads((out_dir / 'report.json').read_text())
    return {f'{table}/{row["name"]}': row for table, content in report['tables'].items() for row in content['rows']}


def final_ap(run_dir) -> float:
    """coco/AP as tools/test.py printed it in the run's evaluation log."""
    return float(re.findall(r'coco/AP: ([0-9.]+)', (run_dir / 'test.log').read_text())[-1])


def test_under_torchrun_a_killed_row_resumes_and_a_second_run_reruns_nothing(tmp_path, monkeypatch, capsys):
    out = tmp_path / 'out'
    values = dict(TABLES='all', DATA_ROOT='data', OUT_DIR=out, NUM_GPUS=1)
    extra = f"--tables-file {MINI_TABLES} --rows '2 stages' --port 29631"
    # first: the 2-stage row's training kills its launcher and this command (their process group) after iteration 2
    command = f'{fill(readme_command(TORCHRUN), **values)} {extra}'
    log = tmp_path / 'first.log'
    first = start('bash', '-c', f'export KILL_ONCE_PROCESS_GROUP=$$; exec {command}', log=log, env=PYTHON)
    assert first.wait(timeout=TIMEOUT) == -9, log.read_text()[-3000:]
    runs = out / 'runs'
    assert [p.name for p in runs.iterdir()] == [KILLED_RUN]  # the row of both tables, trained once
    killed = json.loads((runs / KILLED_RUN / 'state.json').read_text())
    assert 'attempt_started' in killed and not killed.get('trained')
    assert sorted(p.name for p in (runs / KILLED_RUN / 'work').glob('iter_*.pth')) == ['iter_2.pth']

    # again, in this process (its launches are the same): the row resumes from its checkpoint
    monkeypatch.setenv('PYTHONPATH', TEST_PYTHONPATH)  # the launched processes import helpers.hooks
    reproduce = load_tool('reproduce').main
    arguments = ['all', '--rows', '2 stages', '--out-dir', str(out), '--gpus', '1', '--port', '29631',
                 '--tables-file', str(MINI_TABLES)]
    capsys.readouterr()
    assert reproduce(arguments) == 0
    assert f'{KILLED_RUN}: training 4 iterations x 4 images with torchrun, 1 process(es) on this machine, ' \
           'resuming from iter_2.pth' in capsys.readouterr().out
    assert 'resumed epoch: 0, iter: 2' in (runs / KILLED_RUN / 'train.log').read_text()
    rows = report_rows(out)
    assert list(rows) == ['mini/2 stages', 'mini_ablation/2 stages']
    assert all(row['status'] == 'done' and row['iterations'] == 4 and row['batch'] == 4 for row in rows.values())
    assert rows['mini/2 stages']['measured'] == pytest.approx(100 * final_ap(runs / KILLED_RUN))
    assert rows['mini/2 stages']['train_seconds'] > 0 and rows['mini/2 stages']['gpu_hours'] > 0
    measured = ('measured', 'gflops', 'params_m', 'iterations', 'batch', 'train_seconds', 'gpu_hours', 'measured_on')
    assert [rows['mini_ablation/2 stages'][key] for key in measured] == [rows['mini/2 stages'][key] for key in measured]
    assert rows['mini/2 stages']['gflops'] > 0 and rows['mini/2 stages']['params_m'] > 0
    figure = cv2.imread(str(out / 'report.png'))
    assert figure is not None and figure.shape[0] > 300
    assert '| 2 stages | `mspn_tiny_coco_killed_once.py` | 50.0 |' in (out / 'report.md').read_text()

    # and again: nothing is launched, the report is the same
    def no_launch(*args, **kwargs):
        raise AssertionError(f'launched {args}')

    monkeypatch.setattr(subprocess, 'call', no_launch)
    capsys.readouterr()
    assert reproduce(arguments) == 0 and capsys.readouterr().out.count('not run again') == 1
    assert report_rows(out) == rows


@pytest.mark.slurm
def test_under_slurm_a_chosen_row_runs_with_two_tasks(slurm_cluster, tmp_path):
    out = tmp_path / 'out'
    result = run_readme(SLURM, TABLES='mini', DATA_ROOT='data', OUT_DIR=out, PARTITION='debug', NUM_GPUS=2,
                        env=dict(slurm_cluster, **PYTHON),
                        extra=f"--tables-file {MINI_TABLES} --rows '1 stage' --gpus-per-node 0 --cpus-per-task 1 "
                              '--port 29632')
    assert 'with Slurm partition debug, 2 task(s), 0 GPU(s) a node' in result.stdout
    train_log = (out / 'runs/mspn_tiny_1stage_coco/train.log').read_text()
    assert re.search(r'rank 1 of 2 on \S+ \(node 0, local rank 1, gloo\)', train_log), train_log[-3000:]
    rows = report_rows(out)
    assert list(rows) == ['mini/1 stage'] and rows['mini/1 stage']['status'] == 'done'
    assert rows['mini/1 stage']['measured'] == pytest.approx(100 * final_ap(out / 'runs/mspn_tiny_1stage_coco'))
    assert rows['mini/1 stage']['batch'] == 8 and rows['mini/1 stage']['processes'] == 2
