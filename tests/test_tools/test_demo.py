"""`make demo`'s job, end to end: the sample config overfits the bundled COCO images (AP >= 0.9)."""
import re

import pytest

from helpers.paths import SAMPLE_ANNOTATIONS, SAMPLES

pytestmark = pytest.mark.slow


def reported_ap(output: str, what: str) -> float:
    return float(re.search(rf'{re.escape(what)}: +([0-9.]+)', output)[1])


def test_demo_trains_to_ap_09_and_leaves_its_outputs(demo):
    gt_ap = reported_ap(demo.output, 'ground-truth boxes')
    det_ap = reported_ap(demo.output, 'bundled detections')
    infer_ap = reported_ap(demo.output, 'inference predictions.json')
    print(f'demo: AP {gt_ap:.3f} (ground-truth boxes), {det_ap:.3f} (detections), {infer_ap:.3f} (inference)')
    assert gt_ap >= 0.9
    # the bundled detections find nearly every sample person (0.947 against 0.951 on one run here)
    assert det_ap >= gt_ap - 0.05
    # The inference scores the same checkpoint on the same detections but removes duplicates (box NMS drops a few
    # overlapping players: 0.908 against 0.934 on one run); test_infer.py shows that without the removal it scores
    # as tools/test.py does. A larger gap means the inference path, not the model, lost poses.
    assert abs(infer_ap - det_ap) <= 0.05
    assert demo.checkpoint.exists()
    assert list(demo.work_dir.glob('*/vis_data/scalars.json'))
    drawings = sorted(p.name for p in (demo.work_dir / 'inference/vis').iterdir())
    assert drawings == sorted(p.name for p in SAMPLES.glob('*.jpg'))
    assert SAMPLE_ANNOTATIONS.exists()
