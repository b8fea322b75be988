import numpy as np
import pytest
from mmpose.datasets.transforms import RandomFlip

from mspn_plugin.datasets.transforms import KeepVisibilityFlags, LabelledAsVisible


def sample() -> dict:
    flags = [2, 1, 0] + [2] * 14
    raw = dict(keypoints=sum(([float(i), 0.0, float(v)] for i, v in enumerate(flags)), []))
    return dict(raw_ann_info=raw, keypoints_visible=np.minimum(1, np.array([flags], np.float32)),
                keypoints=np.zeros((1, 17, 2), np.float32), img_path='x.jpg')


def test_restores_coco_flags():
    results = KeepVisibilityFlags()(sample())
    np.testing.assert_array_equal(results['keypoints_visible'][0, :3], [2, 1, 0])


def test_flags_follow_mmpose_flip():
    results = KeepVisibilityFlags()(sample())
    flip_indices = [0, 2, 1] + list(range(3, 17))
    results.update(img=np.zeros((8, 8, 3), np.uint8), img_shape=(8, 8), flip_indices=flip_indices,
                   bbox=np.zeros((1, 4), np.float32), bbox_center=np.zeros((1, 2), np.float32))
    flipped = RandomFlip(prob=1.0)(results)
    np.testing.assert_array_equal(flipped['keypoints_visible'][0, :3], [2, 0, 1])


def test_missing_raw_annotation_names_the_image():
    data = sample()
    del data['raw_ann_info']
    with pytest.raises(KeyError, match='x.jpg'):
        KeepVisibilityFlags()(data)


def test_labelled_joints_become_visible():
    results = LabelledAsVisible()(dict(keypoints_visible=np.array([[1, 0, 1, 0.0]], np.float32)))
    np.testing.assert_array_equal(results['keypoints_visible'], [[2, 0, 2, 0]])
    assert results['keypoints_visible'].dtype == np.float32
