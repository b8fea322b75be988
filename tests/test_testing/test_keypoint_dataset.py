"""The made dataset loads through MMPose's CocoDataset with its own metainfo: K keypoints, flip pairs, sigmas."""
import json

import numpy as np
import pytest
from mmpose.datasets import CocoDataset

from mspn_plugin.testing.keypoint_dataset import make_keypoint_dataset


@pytest.mark.parametrize('num_keypoints', [5, 6])
def test_made_dataset_loads_with_its_metainfo(tmp_path, num_keypoints):
    made = make_keypoint_dataset(tmp_path, num_keypoints, num_images=3, people_per_image=2)
    dataset = CocoDataset(ann_file=str(made.ann_file), data_root='', data_prefix=dict(img=str(made.img_dir) + '/'),
                          metainfo=dict(from_file=str(made.metainfo_file)), test_mode=True, pipeline=[])
    assert len(dataset) == 6
    assert dataset.metainfo['num_keypoints'] == num_keypoints
    flip = dataset.metainfo['flip_indices']
    assert sorted(flip) == list(range(num_keypoints))
    assert all(flip[flip[i]] == i for i in range(num_keypoints))
    assert len(dataset.metainfo['sigmas']) == num_keypoints
    raw = json.loads(made.ann_file.read_text())['annotations'][0]['keypoints']
    item = dataset[0]
    np.testing.assert_allclose(item['keypoints'][0], np.reshape(raw, (-1, 3))[:, :2], atol=1e-3)
    assert made.img_dir.joinpath('000001.jpg').stat().st_size > 0
