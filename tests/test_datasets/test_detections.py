"""Detection files: matching boxes to images, refusing unusable files, dropping unusable boxes."""
import json
from pathlib import Path

import numpy as np
import pytest

from mspn_plugin.datasets import DetectionFile, DetectionFileError, checked_detection_file, coco_style_id, valid_boxes


def write_json(path: Path, data) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def test_detections_match_by_file_name_images_json_or_coco_style_name(tmp_path):
    dets = write_json(tmp_path / 'dets.json', [
        dict(file_name='a/walk.jpg', bbox=[1, 2, 10, 20], score=0.9, category_id=1),
        dict(image_id=7, bbox=[5, 5, 5, 5], score=0.8, category_id=1),
        dict(image_id=785, bbox=[0, 0, 4, 4], score=0.7, category_id=1),
        dict(image_id=785, bbox=[0, 0, 4, 4], score=0.1, category_id=1),   # below the threshold
        dict(image_id=785, bbox=[0, 0, 4, 4], score=0.9, category_id=3),   # not a person
    ])
    images = write_json(tmp_path / 'images.json', dict(images=[dict(id=7, file_name='run.png')]))
    source = DetectionFile(dets, images, score_thr=0.3)
    image = np.zeros((50, 50, 3), np.uint8)
    np.testing.assert_allclose(source(image, 'walk.jpg'), [[1, 2, 11, 22, 0.9]])
    np.testing.assert_allclose(source(image, 'run.png'), [[5, 5, 10, 10, 0.8]])
    np.testing.assert_allclose(source(image, '000000000785.jpg'), [[0, 0, 4, 4, 0.7]])
    assert source(image, 'unknown.jpg').shape == (0, 5)
    assert source.image_id('run.png') == 7 and coco_style_id('000000000785.jpg') == 785
    assert coco_style_id('walk.jpg') is None


@pytest.mark.parametrize('content,message', [('{"not": "a list"}', 'list of detections'), ('[{', 'malformed json')])
def test_bad_detection_files_name_the_file(tmp_path, content, message):
    path = tmp_path / 'dets.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=f'dets.json.*{message}'):
        DetectionFile(str(path))


def test_missing_detection_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.json'):
        DetectionFile(str(tmp_path / 'nothing.json'))


def test_invalid_boxes_are_dropped():
    boxes = np.array([[0, 0, 10, 10, 1], [0, 0, 0.5, 10, 1], [60, 60, 70, 70, 1], [0, 0, np.inf, 10, 1],
                      [-5, -5, 2, 2, 1]], np.float32)
    np.testing.assert_array_equal(valid_boxes(boxes, (50, 50, 3), 'img'), boxes[[0, 4]])


def test_checked_detection_file_drops_unusable_detections(tmp_path):
    images = write_json(tmp_path / 'ann.json', dict(images=[dict(id=1, width=100, height=80)]))
    good = dict(image_id=1, category_id=1, bbox=[10, 10, 30, 40], score=0.9)
    clean = write_json(tmp_path / 'clean.json', [good])
    assert checked_detection_file(clean, images, str(tmp_path / 'out')) == clean
    dets = write_json(tmp_path / 'dets.json', [good, dict(good, image_id=2), dict(good, score=float('nan')),
                                               dict(good, bbox=[10, 10, 0, 40]), dict(good, bbox=[500, 10, 5, 5]),
                                               dict(good, category_id=2, bbox=[0, 0, 0, 0])])
    checked = checked_detection_file(dets, images, str(tmp_path / 'out'))
    assert checked == str(tmp_path / 'out/checked_dets.json')
    assert json.loads(Path(checked).read_text()) == [good, dict(good, category_id=2, bbox=[0, 0, 0, 0])]
    with pytest.raises(DetectionFileError, match='dets.json: detection 0 is not'):
        checked_detection_file(write_json(tmp_path / 'dets.json', [dict(image_id=1, category_id=1, score=1)]), images,
                               str(tmp_path))
