"""The report of a reproduction: figures side by side in JSON and Markdown, and the Figure-1-style picture."""
import cv2
import numpy as np

from helpers.paths import ROOT
from mspn_plugin.reproduction import Launcher, load_tables, select_rows, write_report
from mspn_plugin.reproduction.report import build_report, report_markdown

PAPER_TABLES = ROOT / 'configs/paper_tables.yml'


def states_for(rows, seconds: float = 7200.0) -> dict:
    """Made-up finished runs: each config measured 1 AP point under its first row's figure."""
    states = {}
    for row in rows:
        states.setdefault(row.run_name, dict(
            processes=8, trained=True, train_seconds=seconds,
            metrics={'coco/AP': (row.paper - 1) / 100, 'PCK': row.paper - 1},
            plan=dict(iterations=96000, batch=256, gflops=row.paper_gflops or 10.0, params_m=50.0,
                      test_set='person_keypoints_val2017.json', boxes='COCO_val2017_detections_AP_H_56_person.json')))
    return states


def report_of(table_names: list[str], failed: str | None = None) -> dict:
    tables = load_tables(str(PAPER_TABLES))
    rows = select_rows(tables, table_names)
    states = states_for(rows)
    statuses = {name: 'done' for name in states}
    if failed:
        statuses[failed] = 'failed'
        states[failed] = {}
    return build_report(tables, rows, states, statuses, Launcher('torchrun', 8, 'tools'), '/data')


def test_each_row_has_the_published_and_measured_figures_and_the_cost():
    report = report_of(['table2', 'table4'])
    assert list(report['tables']) == ['table2', 'table4']
    row = next(r for r in report['tables']['table2']['rows'] if r['name'] == 'MSPN 2 stages')
    assert (row['paper'], row['measured'], row['difference']) == (74.5, 73.5, -1.0)
    assert (row['iterations'], row['batch'], row['train_seconds'], row['gpu_hours']) == (96000, 256, 7200.0, 16.0)
    assert row['measured_on'] == 'person_keypoints_val2017.json, COCO_val2017_detections_AP_H_56_person.json'
    # the 2-stage run is Table 4's + CTF + CSFA row too: measured once, compared with that row's figure
    shared = next(r for r in report['tables']['table4']['rows'] if r['name'] == 'MSPN + CTF + CSFA')
    assert shared['measured'] == 73.5 and shared['paper'] == 74.5


def test_the_markdown_has_a_line_per_row_and_states_where_figures_come_from():
    text = report_markdown(report_of(['coco'], failed='td-hm_3xmspn50_8xb32-96k_coco-256x192'), 'report.png')
    assert '## COCO val: MSPN with 1-4 stages' in text
    assert '| 2 stages 256x192 | `td-hm_2xmspn50_8xb32-96k_coco-256x192.py` | 74.5 | 73.5 | -1.00 | 9.6 |' in text
    assert '| 3 stages 256x192 | `td-hm_3xmspn50_8xb32-96k_coco-256x192.py` | 75.2 | - | - |' in text
    assert text.count('| failed |') == 1 and '2:00:00 | 16.00 | done |' in text
    assert 'Published: COCO val (minival 2014' in text and '76.1 AP for 4 stages at 384x288' in text
    assert text.rstrip().endswith('![Published and measured figures against GFLOPs](report.png)')


def test_the_figure_is_drawn_with_a_panel_per_metric(tmp_path):
    write_report(report_of(['table1', 'table2', 'mpii']), str(tmp_path))
    image = cv2.imread(str(tmp_path / 'report.png'))
    assert image.shape[1] > 2 * image.shape[0]  # two panels side by side: COCO AP and MPII PCKh
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50  # drawn, not blank
    assert (tmp_path / 'report.json').is_file() and '](report.png)' in (tmp_path / 'report.md').read_text()
