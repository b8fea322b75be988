import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_demo_writes_predictions_and_drawings(tmp_path):
    subprocess.run([sys.executable, str(ROOT / 'tools/demo.py'), '--work-dir', str(tmp_path)],
                   capture_output=True, text=True, check=True, cwd=ROOT)
    predictions = json.loads((tmp_path / 'predictions.json').read_text())
    detections = json.loads((ROOT / 'tests/data/coco/test_coco_det_AP_H_56.json').read_text())
    assert len(predictions) == sum(d['score'] >= 0.5 and d['category_id'] == 1 for d in detections)
    assert all(len(p['keypoints']) == 17 * 3 for p in predictions)
    assert sorted(p.name for p in (tmp_path / 'vis').iterdir()) == sorted(
        p.name for p in (ROOT / 'tests/data/coco').glob('*.jpg'))
