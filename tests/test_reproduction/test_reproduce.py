"""reproduce_tables and tools/reproduce.py with stand-in launch scripts: a failed run is reported and the others
still run, each config once; a bad tables file is one line (the real launchers:
tests/test_tools/test_reproduce_end_to_end.py)."""
import json

from helpers.paths import DATA
from helpers.tools import load_tool
from mspn_plugin.models.utils import Complexity
from mspn_plugin.reproduction import Launcher, reproduce_tables

MINI_TABLES = DATA / 'reproduction/mini_tables.yml'
# stand-ins for tools/dist_train.sh and dist_test.sh: the 1-stage config fails to train
FAKE_TRAIN = '''#!/usr/bin/env bash
case $1 in *1stage*) echo "out of memory"; exit 1 ;; esac
mkdir -p "$4"; touch "$4/iter_4.pth"; echo "$4/iter_4.pth" > "$4/last_checkpoint"
echo "$1" >> "$4/../../trained.txt"
'''
FAKE_TEST = '''#!/usr/bin/env bash
mkdir -p "$5/t"; echo '{"coco/AP": 0.25}' > "$5/t/t.json"
'''


def test_a_failed_run_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    # the model's size is counted by the end-to-end test; here a stand-in keeps this test fast
    monkeypatch.setattr('mspn_plugin.reproduction.runs.model_complexity',
                        lambda cfg: Complexity((64, 96), 0.2, 0.1, 1.0))
    tools = tmp_path / 'tools'
    tools.mkdir()
    (tools / 'dist_train.sh').write_text(FAKE_TRAIN)
    (tools / 'dist_test.sh').write_text(FAKE_TEST)
    messages = []
    result = reproduce_tables(str(MINI_TABLES), ['all'], str(tmp_path / 'out'), Launcher('torchrun', 1, str(tools)),
                              say=messages.append)
    assert result['failed'] == ['mspn_tiny_1stage_coco']
    assert any('mspn_tiny_1stage_coco: FAILED' in m and 'exit status 1' in m and 'out of memory' in m
               for m in messages)
    assert (tmp_path / 'out/runs/trained.txt').read_text().count('killed_once') == 1  # two rows, one run
    report = json.loads((tmp_path / 'out/report.json').read_text())
    statuses = {(t, r['name']): (r['status'], r['measured']) for t, c in report['tables'].items() for r in c['rows']}
    assert statuses == {('mini', '1 stage'): ('failed', None), ('mini', '2 stages'): ('done', 25.0),
                        ('mini_ablation', '2 stages'): ('done', 25.0)}
    assert (tmp_path / 'out/report.png').is_file() and '| failed |' in (tmp_path / 'out/report.md').read_text()


def test_a_bad_tables_file_is_one_line(tmp_path, capsys):
    status = load_tool('reproduce').main(['table9', '--out-dir', str(tmp_path), '--tables-file', str(MINI_TABLES)])
    error = capsys.readouterr().err.strip()
    assert status == 1 and error == f'error: {MINI_TABLES}: no table table9 (tables: mini, mini_ablation)'
