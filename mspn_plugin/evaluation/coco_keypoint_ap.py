"""COCO keypoint AP of a predictions file, computed directly with xtcocotools."""
import contextlib
import io
import json

import numpy as np
from xtcocotools.coco import COCO
from xtcocotools.cocoeval import COCOeval


def coco_keypoint_ap(predictions: str | list, ann_file: str, sigmas: np.ndarray) -> float:
    """AP (OKS 0.50:0.95) of COCO-format keypoint results (a json path or a list of dicts with ``image_id``) against
    ``ann_file``, with the dataset's per-keypoint OKS ``sigmas`` (K,) (its metainfo's ``sigmas``).

    MMPose's ``CocoMetric`` scores data samples inside a runner; this scores a predictions file, as written by
    ``tools/infer.py``.
    """
    if isinstance(predictions, str):
        with open(predictions) as f:
            predictions = json.load(f)
    sigmas = np.asarray(sigmas, dtype=np.float64)
    for prediction in predictions[:1]:
        if len(prediction['keypoints']) != 3 * len(sigmas):
            raise ValueError(f'predictions with {len(prediction["keypoints"]) // 3} keypoints scored with '
                             f'{len(sigmas)} OKS sigmas')
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
