"""Checks a COCO-format keypoint annotation file against the dataset's metainfo before training. It finds, in
minutes, what would otherwise stop a run when the sampler reaches it: keypoint counts, visibility flags, boxes
outside the image, and images that are missing or do not decode. The images are read in parallel."""
import json
import os.path as osp
from collections import Counter
from dataclasses import dataclass
from multiprocessing import Pool

import cv2
import numpy as np

VALID_FLAGS = (0, 1, 2)
BOX_TOLERANCE_PX = 1.0  # COCO boxes are floats, rounded by their annotators: allow a pixel beyond the border


@dataclass(frozen=True)
class Defect:
    """One bad item: the file it concerns (annotation file or image), the item (``image <id>``, ``annotation <id>``)
    and what is wrong (``kind``: a short category for the summary; ``problem``: the sentence)."""

    file: str
    item: str
    kind: str
    problem: str

    def __str__(self) -> str:
        return f'{self.file}: {self.item}: {self.problem}'


@dataclass
class CheckReport:
    """What was checked and every defect found."""

    ann_file: str
    images: int
    annotations: int
    defects: list[Defect]

    def summary(self) -> str:
        kinds = ', '.join(f'{count} {kind}' for kind, count in sorted(Counter(d.kind for d in self.defects).items()))
        return (f'{self.ann_file}: {self.images} images, {self.annotations} annotations: '
                + (f'{len(self.defects)} defects ({kinds})' if self.defects else 'no defects'))


def _image_defects(job: tuple[str, str, int, int]) -> list[Defect]:
    path, item, width, height = job
    if not osp.isfile(path):
        return [Defect(path, item, 'missing image', 'file not found')]
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None:
        return [Defect(path, item, 'unreadable image', 'cannot be decoded')]
    if (width, height) != (image.shape[1], image.shape[0]):
        return [Defect(path, item, 'image size',
                       f'is {image.shape[1]}x{image.shape[0]}, the annotations say {width}x{height}')]
    return []


def _annotation_defects(ann_file: str, annotation: dict, image: dict | None, num_keypoints: int) -> list[Defect]:
    item = f'annotation {annotation.get("id")} (image {annotation.get("image_id")})'
    if image is None:
        return [Defect(ann_file, item, 'unknown image', 'its image_id is not among the images')]
    defects = []
    keypoints = np.asarray(annotation.get('keypoints', []), dtype=np.float64)
    if keypoints.size != 3 * num_keypoints:
        defects.append(Defect(ann_file, item, 'keypoint count',
                              f'has {keypoints.size / 3:g} keypoints, the metainfo defines {num_keypoints}'))
    else:
        flags = keypoints[2::3]
        bad_flags = sorted({float(f) for f in flags if f not in VALID_FLAGS})
        if bad_flags:
            defects.append(Defect(ann_file, item, 'visibility flag',
                                  f'visibility flags {bad_flags} (allowed: 0, 1, 2)'))
    box = annotation.get('bbox')
    if box is None or len(box) != 4:
        defects.append(Defect(ann_file, item, 'box', f'bbox {box} is not [x, y, w, h]'))
    else:
        x, y, w, h = box
        width, height = image['width'], image['height']
        if w <= 0 or h <= 0:
            defects.append(Defect(ann_file, item, 'box', f'bbox {box} has no area'))
        elif (x < -BOX_TOLERANCE_PX or y < -BOX_TOLERANCE_PX or x + w > width + BOX_TOLERANCE_PX
              or y + h > height + BOX_TOLERANCE_PX):
            defects.append(Defect(ann_file, item, 'box', f'bbox {box} lies outside the {width}x{height} image'))
    return defects


def check_annotations(ann_file: str, image_dir: str, num_keypoints: int, workers: int = 2) -> CheckReport:
    """Check ``ann_file`` (COCO keypoint format) against ``num_keypoints`` (the metainfo's K), with its images under
    ``image_dir`` (``file_name`` relative to it), decoding the images in ``workers`` processes."""
    try:
        with open(ann_file) as f:
            content = json.load(f)
        images, annotations = content['images'], content['annotations']
    except (OSError, ValueError, KeyError, TypeError) as error:
        problem = f'missing key {error}' if isinstance(error, KeyError) else str(error)
        return CheckReport(ann_file, 0, 0, [Defect(ann_file, 'file', 'unreadable annotations', problem)])
    by_id = {image['id']: image for image in images}
    defects = [d for annotation in annotations
               for d in _annotation_defects(ann_file, annotation, by_id.get(annotation.get('image_id')),
                                            num_keypoints)]
    jobs = [(osp.join(image_dir, image['file_name']), f'image {image["id"]}', image['width'], image['height'])
            for image in images]
    if workers > 1:
        with Pool(workers) as pool:
            image_defects = pool.map(_image_defects, jobs, chunksize=max(1, len(jobs) // (4 * workers)))
    else:
        image_defects = [_image_defects(job) for job in jobs]
    defects += [d for found in image_defects for d in found]
    return CheckReport(ann_file, len(images), len(annotations), defects)
