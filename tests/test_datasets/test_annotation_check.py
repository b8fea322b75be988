"""The annotation check names every planted defect (corrupt image, missing file, wrong K, flag 3, box outside the
image) and passes the clean dataset."""
import json

import pytest

from mspn_plugin.datasets.annotation_check import (
    check_annotations,
    check_config_annotations,
    dataset_num_keypoints,
    metainfo_num_keypoints,
)
from mspn_plugin.testing.keypoint_dataset import make_keypoint_dataset
from mspn_plugin.utils.errors import InputError


@pytest.fixture
def made(tmp_path):
    return make_keypoint_dataset(tmp_path, num_keypoints=5, num_images=5, people_per_image=2)


def plant_defects(made) -> dict[str, str]:
    """Break one thing per image/annotation; returns the text each defect's line must contain."""
    coco = json.loads(made.ann_file.read_text())
    (made.img_dir / coco['images'][0]['file_name']).write_bytes(b'not a jpeg')
    (made.img_dir / coco['images'][1]['file_name']).unlink()
    anns = coco['annotations']
    anns[4]['keypoints'] = anns[4]['keypoints'][:-3]
    anns[6]['keypoints'][2] = 3
    anns[8]['bbox'] = [150.0, 10.0, 40.0, 50.0]
    made.ann_file.write_text(json.dumps(coco))
    return {
        'corrupt': f'{coco["images"][0]["file_name"]}: image does not decode',
        'missing': f'{coco["images"][1]["file_name"]}: missing image file',
        'wrong K': f'annotation {anns[4]["id"]} (image {anns[4]["image_id"]}): 4 keypoints, the metainfo has 5',
        'flag 3': f'annotation {anns[6]["id"]} (image {anns[6]["image_id"]}): visibility flags [3]',
        'box': f'annotation {anns[8]["id"]} (image {anns[8]["image_id"]}): box [150.0, 10.0, 40.0, 50.0] outside '
               'the 160x120 image',
    }


def test_clean_dataset_passes(made):
    assert metainfo_num_keypoints(made.metainfo_file) == 5
    report = check_annotations(made.ann_file, made.img_dir, 5)
    assert report.defects == []
    assert report.summary() == f'{made.ann_file}: 5 images, 10 annotations, 0 defects'


def test_every_planted_defect_is_named(made):
    expected = plant_defects(made)
    defects = check_annotations(made.ann_file, made.img_dir, 5, workers=2).defects
    for kind, text in expected.items():
        assert any(text in line for line in defects), (kind, defects)
    assert len(defects) == len(expected), defects


def test_the_metainfo_decides_k(made):
    defects = check_annotations(made.ann_file, made.img_dir, 17).defects
    assert len(defects) == 10 and all('5 keypoints, the metainfo has 17' in line for line in defects)


def test_unreadable_annotation_file_is_one_input_error(tmp_path):
    bad = tmp_path / 'ann.json'
    bad.write_text('{')
    with pytest.raises(InputError, match=str(bad)):
        check_annotations(bad, tmp_path, 5)


def test_mmpose_metainfo_paths_resolve():
    assert metainfo_num_keypoints('configs/_base_/datasets/crowdpose.py') == 14
    assert dataset_num_keypoints(dict(type='AP10KDataset')) == 17
    assert dataset_num_keypoints(dict(type='AicDataset')) == 14


def test_config_annotations_are_checked_with_the_datasets_metainfo(made):
    dataset = dict(type='CocoDataset', data_root=str(made.root), ann_file='annotations.json',
                   data_prefix=dict(img='images/'), metainfo=dict(from_file=str(made.metainfo_file)))
    reports = check_config_annotations(dict(train_dataloader=dict(dataset=dataset),
                                            val_dataloader=dict(dataset={**dataset, 'metainfo': None})))
    assert [len(r.defects) for r in reports] == [0, 10]  # val falls back to COCO's 17 keypoints
