"""detect_persons with a stand-in detector: the detections file's format, unreadable images, bad annotation files
(tools/detect_persons.py with a real MMDetection detector: tests/test_tools/test_detect_persons.py)."""
import json
import shutil

import numpy as np
import pytest

from helpers.paths import SAMPLE_ANNOTATIONS, SAMPLES
from mspn_plugin.apis import detect_persons
from mspn_plugin.datasets import DetectionFileError
from mspn_plugin.utils.image_io import ImageReadError


def two_boxes(image: np.ndarray, name: str) -> np.ndarray:
    """x1, y1, x2, y2, score: a box at the image's top left and one of its own size."""
    height, width = image.shape[:2]
    return np.array([[10, 20, 110, 220, 0.9], [0, 0, width, height, 0.25]], np.float32)


def test_every_box_becomes_a_coco_result_of_its_image(tmp_path):
    out = tmp_path / 'detections.json'
    summary = detect_persons(two_boxes, str(SAMPLE_ANNOTATIONS), str(SAMPLES), str(out), progress=False)
    images = json.loads(SAMPLE_ANNOTATIONS.read_text())['images']
    assert summary == dict(images=len(images), detections=2 * len(images), skipped={})
    detections = json.loads(out.read_text())
    first = images[0]
    assert detections[:2] == [
        dict(image_id=first['id'], category_id=1, score=0.9, bbox=[10.0, 20.0, 100.0, 200.0]),
        dict(image_id=first['id'], category_id=1, score=0.25, bbox=[0.0, 0.0, first['width'], first['height']])]


def test_an_unreadable_image_is_reported_and_skipped(tmp_path, warnings_logged):
    folder = tmp_path / 'images'
    shutil.copytree(SAMPLES, folder)
    name = json.loads(SAMPLE_ANNOTATIONS.read_text())['images'][1]['file_name']
    (folder / name).write_bytes(b'broken')
    summary = detect_persons(two_boxes, str(SAMPLE_ANNOTATIONS), str(folder), str(tmp_path / 'd.json'),
                             progress=False)
    assert list(summary['skipped']) == [name] and 'cannot be decoded' in summary['skipped'][name]
    assert summary['detections'] == 2 * (summary['images'] - 1)
    assert any(name in message for message in warnings_logged)


def test_bad_annotation_files_and_no_readable_image_are_errors(tmp_path):
    out = tmp_path / 'd.json'
    for content in ('{"images": [', '{"annotations": []}', '{"images": []}'):
        (tmp_path / 'ann.json').write_text(content)
        with pytest.raises(DetectionFileError, match='ann.json'):
            detect_persons(two_boxes, str(tmp_path / 'ann.json'), str(SAMPLES), str(out), progress=False)
    with pytest.raises(ImageReadError, match='no image of .* could be read'):
        detect_persons(two_boxes, str(SAMPLE_ANNOTATIONS), str(tmp_path), str(out), progress=False)
    assert not out.exists()
