"""A run refuses, before it builds anything, a head whose keypoint count differs from its datasets' metainfo."""
import pytest
from mmengine.config import Config

from helpers.paths import COCO_2XMSPN50
from mspn_plugin.engine.keypoint_count import check_keypoint_count, dataset_keypoint_count
from mspn_plugin.utils.errors import InputError

FIVE_KEYPOINTS = '''dataset_info = dict(
    dataset_name='five_markers',
    keypoint_info={i: dict(name=f'marker{i}', id=i, color=[255, 0, 0], type='upper', swap='') for i in range(5)},
    skeleton_info={0: dict(link=('marker0', 'marker1'), id=0, color=[0, 255, 0])},
    joint_weights=[1.0] * 5,
    sigmas=[0.05] * 5)
'''


def coco_config() -> Config:
    return Config.fromfile(COCO_2XMSPN50)


def test_the_coco_configs_agree():
    cfg = coco_config()
    assert dataset_keypoint_count(cfg.train_dataloader.dataset) == cfg.model.head.out_channels == 17
    check_keypoint_count(cfg)


def test_another_datasets_metainfo_is_named_with_both_counts():
    cfg = coco_config()
    cfg.val_dataloader.dataset.type = 'CrowdPoseDataset'
    with pytest.raises(InputError, match=r'the head predicts 17 keypoints, the val dataset \(CrowdPoseDataset\) '
                                         r'defines 14: set model.head.out_channels=14'):
        check_keypoint_count(cfg)


def test_a_metainfo_file_of_its_own_counts(tmp_path):
    (tmp_path / 'five.py').write_text(FIVE_KEYPOINTS)
    cfg = coco_config()
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        loader.dataset.metainfo = dict(from_file=str(tmp_path / 'five.py'))
    with pytest.raises(InputError, match='defines 5'):
        check_keypoint_count(cfg)
    cfg.model.head.out_channels = 5
    check_keypoint_count(cfg)
