"""Person boxes from COCO-results detection files, and the checks every box goes through before it is used.

Shape legend: N boxes; a box row is x1, y1, x2, y2, score in image pixels, so box arrays are (N, 5).
"""
import json
import logging
import os
import os.path as osp
import re
from collections import defaultdict

import numpy as np
from mmengine.logging import print_log

from ..utils.errors import InputError
from ..utils.files import atomic_write_json


def valid_boxes(boxes: np.ndarray, image_shape: tuple[int, ...], where: str) -> np.ndarray:
    """Drop, with a warning, boxes with NaN/inf values, under one pixel wide or high, or outside the image."""
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 5)
    height, width = image_shape[:2]
    finite = np.isfinite(boxes).all(axis=1)
    safe = np.where(finite[:, None], boxes, 0)
    sized = (safe[:, 2] - safe[:, 0] >= 1) & (safe[:, 3] - safe[:, 1] >= 1)
    inside = (safe[:, 2] > 0) & (safe[:, 3] > 0) & (safe[:, 0] < width) & (safe[:, 1] < height)
    keep = finite & sized & inside
    for reason, bad in (('NaN or inf values', ~finite), ('under one pixel wide or high', finite & ~sized),
                        ('outside the image', finite & sized & ~inside)):
        if bad.any():
            print_log(f'{where}: dropped {int(bad.sum())} box(es) with {reason}', logger='current',
                      level=logging.WARNING)
    return boxes[keep]


class DetectionFileError(InputError, ValueError):
    """A detections (or images) json is malformed or holds no usable detection."""


class DetectionFile:
    """Person boxes from a COCO-results json (``bbox`` as x, y, w, h and ``score``).

    A detection is matched to an image by its ``file_name`` when it has one, else by ``image_id``: through
    ``images_json`` (a COCO json whose ``images`` map ids to file names) or, for COCO-style names such as
    ``000000000785.jpg``, the number in the name. Values are only ever parsed as json numbers and strings.
    """

    def __init__(self, path: str, images_json: str | None = None, score_thr: float = 0.3,
                 category_id: int = 1) -> None:
        self.path = path
        self.by_name: dict[str, list] = defaultdict(list)
        self.by_id: dict[int, list] = defaultdict(list)
        for index, det in enumerate(_load_detections(path)):
            row = _detection_row(det, index, path)
            # a NaN score is kept here, to be dropped with a warning by valid_boxes
            if det.get('category_id', category_id) != category_id or row[4] < score_thr:
                continue
            if 'file_name' in det:
                self.by_name[osp.basename(str(det['file_name']))].append(row)
            else:
                self.by_id[_image_id(det, index, path)].append(row)
        self.name_to_id = {}
        if images_json:
            try:
                self.name_to_id = {osp.basename(img['file_name']): int(img['id'])
                                   for img in _load_json(images_json)['images']}
            except (KeyError, TypeError, ValueError) as error:
                raise DetectionFileError(f'{images_json}: expected a COCO json with images (id, file_name): '
                                         f'{type(error).__name__}: {error}') from error
        self.matched_names: set[str] = set()
        self.matched_ids: set[int | None] = set()

    def image_id(self, name: str) -> int | None:
        """The COCO image id of file ``name``, when it can be known."""
        if name in self.name_to_id:
            return self.name_to_id[name]
        return coco_style_id(name)

    def __call__(self, image: np.ndarray, name: str) -> np.ndarray:
        rows = self.by_name.get(name)
        if rows is not None:
            self.matched_names.add(name)
        else:
            image_id = self.image_id(name)
            rows = self.by_id.get(image_id, []) if image_id is not None else []
            self.matched_ids.add(image_id)
        return np.asarray(rows, dtype=np.float32).reshape(-1, 5)

    def unmatched(self) -> list[str | int]:
        """File names and image ids of detections that no image asked for so far (likely a wrong file)."""
        return sorted(set(self.by_name) - self.matched_names) + sorted(set(self.by_id) - self.matched_ids)


def checked_detection_file(bbox_file: str, ann_file: str, out_dir: str) -> str:
    """A detections file that MMPose's ``CocoDataset`` (``bbox_file``, for tools/test.py) can use safely.

    A missing, malformed or empty file raises :class:`DetectionFileError`. Person detections of images that
    ``ann_file`` does not list, or whose box fails :func:`valid_boxes` (NaN/inf box or score, under a pixel, outside
    the image), are dropped with a warning; the rest go to ``out_dir/checked_<name>``, whose path is returned.
    When nothing is dropped, ``bbox_file`` itself is returned.
    """
    detections = _load_detections(bbox_file)
    try:
        shapes = {img['id']: (img['height'], img['width']) for img in _load_json(ann_file)['images']}
    except (KeyError, TypeError) as error:
        raise DetectionFileError(f'{ann_file}: expected a COCO json with images (id, width, height)') from error
    kept, unknown = [], set()
    for index, det in enumerate(detections):
        row = _detection_row(det, index, bbox_file)
        image_id = _image_id(det, index, bbox_file)
        if det.get('category_id') != 1:  # MMPose ignores non-person detections
            kept.append(det)
        elif image_id not in shapes:
            unknown.add(image_id)
        elif len(valid_boxes(np.array(row, np.float32), shapes[image_id], f'{bbox_file}: detection {index} '
                             f'(image {image_id})')):
            kept.append(det)
    if unknown:
        print_log(f'{bbox_file}: dropped the detections of {len(unknown)} image id(s) not in {ann_file}: '
                  f'{sorted(unknown)[:5]}', logger='current', level=logging.WARNING)
    if len(kept) == len(detections):
        return bbox_file
    if not any(det.get('category_id') == 1 for det in kept):
        raise DetectionFileError(f'{bbox_file}: no usable person detection for the images of {ann_file}')
    os.makedirs(out_dir, exist_ok=True)
    path = osp.join(out_dir, f'checked_{osp.basename(bbox_file)}')
    atomic_write_json(kept, path)
    return path


def coco_style_id(name: str) -> int | None:
    """12-digit COCO file names carry their image id (``000000000785.jpg`` -> 785)."""
    match = re.fullmatch(r'(\d+)', osp.splitext(name)[0])
    return int(match[1]) if match else None


def _load_json(path: str):
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} does not exist')
    try:
        with open(path) as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DetectionFileError(f'{path}: malformed json ({error})') from error


def _load_detections(path: str) -> list:
    detections = _load_json(path)
    if not isinstance(detections, list) or not detections:
        raise DetectionFileError(f'{path}: expected a non-empty list of detections (COCO results format)')
    return detections


def _detection_row(det, index: int, path: str) -> list[float]:
    """x1, y1, x2, y2, score of detection number ``index`` of file ``path`` (score 1 when it has none)."""
    try:
        x, y, w, h = (float(v) for v in det['bbox'])
        return [x, y, x + w, y + h, float(det.get('score', 1.0))]
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise DetectionFileError(f'{path}: detection {index} is not a COCO result with a bbox [x, y, w, h] and a '
                                 f'numeric score ({type(error).__name__}: {error})') from error


def _image_id(det: dict, index: int, path: str) -> int:
    try:
        return int(det['image_id'])
    except (KeyError, TypeError, ValueError) as error:
        raise DetectionFileError(f'{path}: detection {index} has neither a file_name nor an integer image_id') \
            from error
