"""`make demo`'s job, end to end: the sample config overfits the bundled COCO images (AP >= 0.9)."""
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_demo_trains_to_ap_09_and_leaves_its_outputs(tmp_path):
    start = time.monotonic()
    result = subprocess.run([sys.executable, str(ROOT / 'tools/demo.py'), '--work-dir', str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    gt_ap = float(re.search(r'ground-truth boxes: ([0-9.]+)', result.stdout)[1])
    det_ap = float(re.search(r'bundled detections:  ([0-9.]+)', result.stdout)[1])
    infer_ap = float(re.search(r'inference predictions.json: +([0-9.]+)', result.stdout)[1])
    print(f'demo: AP {gt_ap:.3f} (ground-truth boxes), {det_ap:.3f} (detections), {time.monotonic() - start:.0f} s')
    assert gt_ap >= 0.9
    assert det_ap > 0.5
    assert abs(infer_ap - det_ap) <= 0.01  # tools/infer.py's code path scores as tools/test.py does
    assert (tmp_path / 'iter_500.pth').exists()
    assert list(tmp_path.glob('*/vis_data/scalars.json'))
    drawings = sorted(p.name for p in (tmp_path / 'inference/vis').iterdir())
    assert drawings == sorted(p.name for p in (ROOT / 'tests/data/coco').glob('*.jpg'))
