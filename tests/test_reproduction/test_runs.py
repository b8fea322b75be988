"""A config's run: trained through the launcher's scripts, resumed after a kill, evaluated, never run twice (with
stand-in scripts: the real ones run in tests/test_tools/test_reproduce_end_to_end.py); and the data location."""
import json

import pytest
from mmengine.config import Config

from helpers.paths import COCO_2XMSPN50, MPII_4XMSPN50, TINY
from mspn_plugin.models.utils import Complexity
from mspn_plugin.reproduction import Launcher, LaunchError, PaperRow, data_root_options, run_config

# stand-ins for tools/dist_train.sh and dist_test.sh: they log their arguments next to the work dir; the first
# training is killed after writing its iteration-2 checkpoint, a later one writes iteration 4; the test writes
# MMEngine's metrics file
FAKE_TRAIN = '''#!/usr/bin/env bash
work=$4
mkdir -p "$work"
echo "train $*" >> "$work/../calls.txt"
if [ ! -e "$work/killed" ]; then
  touch "$work/iter_2.pth" "$work/killed"; echo "$work/iter_2.pth" > "$work/last_checkpoint"
  echo "Killed"; exit 137
fi
touch "$work/iter_4.pth"; echo "$work/iter_4.pth" > "$work/last_checkpoint"
'''
FAKE_TEST = '''#!/usr/bin/env bash
mkdir -p "$5/20260101_000000"
echo "test $*" >> "$5/../calls.txt"
# two processes' overlapping writes: one whole object, then the tail of a longer one
echo '{"coco/AP": 0.5, "coco/AR": 0.6}}' > "$5/20260101_000000/20260101_000000.json"
'''


@pytest.fixture
def launcher(tmp_path, monkeypatch) -> Launcher:
    # the model's size is counted by the end-to-end test; here a stand-in keeps this test fast
    monkeypatch.setattr('mspn_plugin.reproduction.runs.model_complexity',
                        lambda cfg: Complexity((64, 96), 0.2, 0.1, 1.0))
    tools = tmp_path / 'tools'
    tools.mkdir()
    (tools / 'dist_train.sh').write_text(FAKE_TRAIN)
    (tools / 'dist_test.sh').write_text(FAKE_TEST)
    return Launcher('torchrun', 2, str(tools), port=29700)


def test_a_killed_training_resumes_and_a_finished_run_is_not_run_again(launcher, tmp_path):
    row = PaperRow(table='t', name='tiny', config=str(TINY), family='f', paper=50.0)
    run_dir, messages = tmp_path / 'run', []
    with pytest.raises(LaunchError, match='(?s)exit status 137.*Killed'):
        run_config(row, 'coco/AP', str(run_dir), launcher, ['train_dataloader.batch_size=2'], say=messages.append)
    state = json.loads((run_dir / 'state.json').read_text())
    assert 'attempt_started' in state and not state.get('trained') and not state.get('metrics')
    assert state['plan']['iterations'] == 4 and state['plan']['batch'] == 2 * 2  # the option reached the plan

    with pytest.raises(LaunchError, match='started with 2 processes: go on with --gpus 2'):
        run_config(row, 'coco/AP', str(run_dir), Launcher('torchrun', 4, launcher.tools_dir), [])
    state = run_config(row, 'coco/AP', str(run_dir), launcher, ['train_dataloader.batch_size=2'], say=messages.append)
    calls = (run_dir / 'calls.txt').read_text().splitlines()
    work = run_dir / 'work'
    assert calls[0] == f'train {TINY} 2 --work-dir {work} --cfg-options train_dataloader.batch_size=2'
    assert calls[1] == f'train {TINY} 2 --work-dir {work} --resume --cfg-options train_dataloader.batch_size=2'
    assert calls[2] == (f'test {TINY} {work}/iter_4.pth 2 --work-dir {run_dir}/test '
                        '--cfg-options train_dataloader.batch_size=2')
    assert state['trained'] and state['metrics']['coco/AP'] == 0.5 and state['checkpoint'] == f'{work}/iter_4.pth'
    assert state['train_seconds'] >= 0 and 'attempt_started' not in state
    assert any('resuming from iter_2.pth' in message for message in messages)

    again = run_config(row, 'coco/AP', str(run_dir), launcher, [], say=messages.append)
    assert again == state and len((run_dir / 'calls.txt').read_text().splitlines()) == 3
    assert messages[-1] == 'done before (coco/AP 0.5): not run again'


def strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in strings(item)]
    return [value] if isinstance(value, str) else []


DATA_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader', 'val_evaluator', 'test_evaluator')


@pytest.mark.parametrize('config', [COCO_2XMSPN50, MPII_4XMSPN50])
def test_the_data_root_replaces_every_data_path(config):
    cfg = Config.fromfile(str(config))
    assert data_root_options(cfg, 'data') == data_root_options(cfg, 'data/') == []
    before = [s for key in DATA_KEYS for s in strings(cfg[key]) if s.startswith('data/')]
    cfg.merge_from_dict(dict(option.split('=', 1) for option in data_root_options(cfg, '/datasets')))
    after = [s for key in DATA_KEYS for s in strings(cfg[key])]
    assert len(before) >= 4 and not [s for s in after if s.startswith('data/')]
    assert sorted(s for s in after if s.startswith('/datasets/')) == sorted('/datasets/' + s[5:] for s in before)
