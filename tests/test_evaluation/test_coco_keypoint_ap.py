"""coco_keypoint_ap: a predictions file scored with the dataset's own OKS sigmas."""
import json

import numpy as np
import pytest
from mmpose.datasets import CocoDataset

from helpers.paths import SAMPLES
from mspn_plugin.evaluation import coco_keypoint_ap

ANNOTATIONS = SAMPLES / 'test_coco.json'
COCO_SIGMAS = CocoDataset._load_metainfo()['sigmas']


def ground_truth_as_predictions() -> list[dict]:
    people = json.loads(ANNOTATIONS.read_text())['annotations']
    return [dict(image_id=a['image_id'], category_id=1, keypoints=a['keypoints'], score=1.0)
            for a in people if not a['iscrowd'] and a['num_keypoints'] > 0]


def test_the_ground_truth_scores_one():
    assert coco_keypoint_ap(ground_truth_as_predictions(), str(ANNOTATIONS), COCO_SIGMAS) == pytest.approx(1.0)


def test_keypoints_moved_by_more_than_the_sigmas_allow_score_less():
    moved = ground_truth_as_predictions()
    for prediction in moved:
        keypoints = np.array(prediction['keypoints'], dtype=float).reshape(-1, 3)
        keypoints[:, :2] += 8.0
        prediction['keypoints'] = keypoints.ravel().tolist()
    assert coco_keypoint_ap(moved, str(ANNOTATIONS), COCO_SIGMAS) < 0.9


def test_sigmas_of_another_keypoint_count_are_refused():
    with pytest.raises(ValueError, match='predictions with 17 keypoints scored with 14 OKS sigmas'):
        coco_keypoint_ap(ground_truth_as_predictions(), str(ANNOTATIONS), np.full(14, 0.05))
