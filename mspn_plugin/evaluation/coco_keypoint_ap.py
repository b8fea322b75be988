"""COCO keypoint AP of a predictions file, computed directly with xtcocotools."""
import contextlib
import io
import json

import numpy as np
from xtcocotools.coco import COCO
from xtcocotools.cocoeval import COCOeval

# COCO's per-keypoint OKS sigmas (the values the COCO keypoint evaluation uses)
COCO_SIGMAS = np.array([.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87, .87, .89, .89]) / 10.0


def coco_keypoint_ap(predictions: str | list, ann_file: str, sigmas: np.ndarray = COCO_SIGMAS) -> float:
    """AP (OKS 0.50:0.95) of COCO keypoint results (a json path or a list of dicts with ``image_id``).

    MMPose's ``CocoMetric`` scores data samples inside a runner; this scores a predictions file, as written by
    ``tools/infer.py``.
    """
    if isinstance(predictions, str):
        with open(predictions) as f:
            predictions = json.load(f)
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(ann_file)
        if not predictions:
            return 0.0
        evaluation = COCOeval(gt, gt.loadRes(predictions), 'keypoints', sigmas, use_area=True)
        evaluation.params.useSegm = None
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return float(evaluation.stats[0])
