"""A person-detections file for a COCO-style dataset, from any detector: the ``bbox_file`` that the test configs read.

The file is a COCO-results json, one entry per box: ``image_id`` (from the dataset's annotation file),
``category_id`` 1 (person), ``bbox`` as x, y, w, h in image pixels, ``score``; MMPose's ``CocoDataset`` reads it
as it reads the published detection files (``COCO_val2017_detections_AP_H_56_person.json``).
"""
import json
import logging
import os.path as osp
from collections.abc import Callable

import numpy as np
from mmengine.logging import print_log
from tqdm import tqdm

from ..datasets.detections import DetectionFileError
from ..utils.files import atomic_write_json
from ..utils.image_io import ImageReadError, read_image

__all__ = ['detect_persons']


def _dataset_images(ann_file: str) -> list[dict]:
    """The images (id, file_name) that a COCO annotation file lists."""
    try:
        with open(ann_file) as f:
            images = [dict(id=int(image['id']), file_name=str(image['file_name'])) for image in json.load(f)['images']]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DetectionFileError(f'{ann_file}: expected a COCO json with images (id, file_name): '
                                 f'{type(error).__name__}: {error}') from error
    if not images:
        raise DetectionFileError(f'{ann_file}: lists no image')
    return images


def detect_persons(detector: Callable[[np.ndarray, str], np.ndarray], ann_file: str, image_dir: str, out_file: str,
                   progress: bool = True) -> dict:
    """Run ``detector`` on every image of ``ann_file`` (a COCO json; images read from ``image_dir``) and write their
    person boxes to ``out_file`` (atomically, once every image has been tried).

    ``detector(image, name)`` takes a BGR image (H, W, 3) and its file name and returns boxes (N, 5): x1, y1, x2, y2,
    score (:class:`~mspn_plugin.apis.PersonDetector` does, for any MMDetection 3.x detector). An image that cannot
    be read is reported with a warning (name and reason) and skipped; when no image can be read, nothing is written
    and :class:`~mspn_plugin.utils.image_io.ImageReadError` names the first.

    Returns a summary: ``images`` (tried), ``detections`` (written), ``skipped`` ({file name: reason}).
    """
    results, skipped = [], {}
    images = _dataset_images(ann_file)
    for image in tqdm(images, desc='person detection', unit='image', disable=not progress):
        path = osp.join(image_dir, image['file_name'])
        try:
            pixels = read_image(path)
        except ImageReadError as error:
            skipped[image['file_name']] = str(error)
            print_log(f'skipped {error}', logger='current', level=logging.WARNING)
            continue
        for x1, y1, x2, y2, score in np.asarray(detector(pixels, osp.basename(path)), dtype=np.float64).reshape(-1, 5):
            results.append(dict(image_id=image['id'], category_id=1, score=round(float(score), 6),
                                bbox=[round(float(v), 2) for v in (x1, y1, x2 - x1, y2 - y1)]))
    if len(skipped) == len(images):
        raise ImageReadError(f'no image of {ann_file} could be read: {next(iter(skipped.values()))}')
    atomic_write_json(results, out_file)
    return dict(images=len(images), detections=len(results), skipped=skipped)
