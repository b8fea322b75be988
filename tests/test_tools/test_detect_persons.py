"""tools/detect_persons.py: a detector's person boxes on a COCO-style dataset, written as the detections file that
tools/test.py then evaluates with (the README's two commands)."""
import json
import shutil
from pathlib import Path

import pytest

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import DETECTOR_CONFIG, SAMPLE_ANNOTATIONS, SAMPLES, TINY
from helpers.readme import run_readme
from mspn_plugin.datasets import checked_detection_file
from mspn_plugin.testing.random_weights import save_random_person_detector

pytestmark = pytest.mark.slow
DETECT = ('.venv/bin/python tools/detect_persons.py DET_CONFIG DET_CHECKPOINT ANN_FILE IMAGE_DIR '
          '--out DETECTIONS')
TEST = ('.venv/bin/python tools/test.py CONFIG CHECKPOINT --work-dir WORK_DIR '
        '--cfg-options test_dataloader.dataset.bbox_file=DETECTIONS')


def test_a_detectors_boxes_become_a_detections_file_that_the_test_tool_evaluates_with(tmp_path):
    """A (random) RTMDet on the sample images plus an unreadable one: the unreadable image is reported and skipped,
    the others' boxes are written in COCO results format, and tools/test.py evaluates one pose per usable box."""
    images = tmp_path / 'images'
    shutil.copytree(SAMPLES, images, ignore=shutil.ignore_patterns('*.json'))
    (images / 'broken.jpg').write_bytes(b'not an image')
    annotations = json.loads(SAMPLE_ANNOTATIONS.read_text())
    annotations['images'].append(dict(id=99, file_name='broken.jpg', width=64, height=64))
    ann_file = tmp_path / 'annotations.json'
    ann_file.write_text(json.dumps(annotations))
    detections = tmp_path / 'detections.json'
    detector = tmp_path / 'detector.py'  # 5 boxes an image (the random detector fills its 300 otherwise)
    detector.write_text(f"_base_ = ['{DETECTOR_CONFIG}']\nmodel = dict(test_cfg=dict(max_per_img=5))\n")
    checkpoint = save_random_person_detector(DETECTOR_CONFIG, tmp_path / 'd.pth')
    detected = run_readme(DETECT, DET_CONFIG=detector, DET_CHECKPOINT=checkpoint,
                          ANN_FILE=ann_file, IMAGE_DIR=images, DETECTIONS=detections)
    output = detected.stdout + detected.stderr
    assert 'broken.jpg' in output and 'cannot be decoded' in output
    boxes = json.loads(detections.read_text())
    assert f'{len(boxes)} person boxes in 4 of 5 images written to {detections}' in output
    assert len(boxes) == 20
    assert {box['image_id'] for box in boxes} == {image['id'] for image in annotations['images'][:4]}
    assert all(box['category_id'] == 1 and len(box['bbox']) == 4 and box['bbox'][2] > 0 and box['bbox'][3] > 0
               and 0 <= box['score'] <= 1 for box in boxes)

    config = tmp_path / 'tiny_results.py'
    config.write_text(f"_base_ = ['{TINY}']\ntest_evaluator = dict(outfile_prefix='{tmp_path / 'results'}')\n")
    checkpoint = save_random_checkpoint(TINY, tmp_path / 'pose.pth')
    tested = run_readme(TEST, CONFIG=config, CHECKPOINT=checkpoint, WORK_DIR=tmp_path / 'work',
                        DETECTIONS=detections)
    assert 'coco/AP' in tested.stdout + tested.stderr
    usable = json.loads(Path(checked_detection_file(str(detections), str(SAMPLE_ANNOTATIONS),
                                                    str(tmp_path / 'checked'))).read_text())
    poses = json.loads((tmp_path / 'results.keypoints.json').read_text())
    assert len(poses) == len(usable) > 0
    assert sorted(p['image_id'] for p in poses) == sorted(box['image_id'] for box in usable)
