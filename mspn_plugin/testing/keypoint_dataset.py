"""A small COCO-format keypoint dataset with any number of keypoints K, drawn on the fly, plus its metainfo file:
what the tests train, evaluate and check annotations on."""
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


@dataclass(frozen=True)
class KeypointDataset:
    """Paths of a dataset written by :func:`make_keypoint_dataset`."""

    root: Path
    ann_file: Path
    img_dir: Path
    metainfo_file: Path
    num_keypoints: int


def _metainfo_text(name: str, num_keypoints: int) -> str:
    # keypoints come in left/right pairs after an optional unpaired first one, so flipping is exercised for any K
    names = [f'kpt_{i}' for i in range(num_keypoints)]
    swaps = {}
    for i in range(num_keypoints % 2, num_keypoints, 2):
        swaps[i], swaps[i + 1] = i + 1, i
    half = num_keypoints // 2
    keypoint_info = {
        i: dict(name=names[i], id=i, color=[255, 128, 0], type='upper' if i < max(half, 1) else 'lower',
                swap=names[swaps[i]] if i in swaps else '')
        for i in range(num_keypoints)}
    skeleton_info = {
        i: dict(link=(names[i], names[i + 1]), id=i, color=[0, 255, 0]) for i in range(num_keypoints - 1)}
    dataset_info = dict(
        dataset_name=name, paper_info=dict(), keypoint_info=keypoint_info, skeleton_info=skeleton_info,
        joint_weights=[1.0] * num_keypoints, sigmas=[0.025 + 0.01 * (i % 5) for i in range(num_keypoints)])
    return f'dataset_info = {dataset_info!r}\n'


def make_keypoint_dataset(root: str | Path, num_keypoints: int, num_images: int = 4, people_per_image: int = 2,
                          image_size: tuple[int, int] = (160, 120), seed: int = 0,
                          name: str = 'made_keypoints') -> KeypointDataset:
    """Write ``num_images`` drawn images (``image_size`` = width, height), a COCO keypoint annotation file with
    ``people_per_image`` people of ``num_keypoints`` keypoints each (drawn as dots inside each person's box), and
    the matching MMPose metainfo file (names, skeleton, flip pairs, upper/lower body, sigmas) under ``root``."""
    rng = np.random.default_rng(seed)
    root = Path(root)
    img_dir = root / 'images'
    img_dir.mkdir(parents=True, exist_ok=True)
    width, height = image_size
    images, annotations = [], []
    for image_id in range(1, num_images + 1):
        canvas = np.full((height, width, 3), 40, np.uint8)
        file_name = f'{image_id:06d}.jpg'
        for _ in range(people_per_image):
            box_w, box_h = rng.uniform(0.3, 0.45) * width, rng.uniform(0.5, 0.8) * height
            x0, y0 = rng.uniform(0, width - box_w), rng.uniform(0, height - box_h)
            xy = rng.uniform([x0, y0], [x0 + box_w, y0 + box_h], size=(num_keypoints, 2))
            flags = rng.choice([1, 2], p=[0.2, 0.8], size=num_keypoints)
            for (x, y), colour in zip(xy, np.linspace(60, 255, num_keypoints), strict=True):
                cv2.circle(canvas, (int(x), int(y)), 3, (int(colour), 255 - int(colour), 128), -1)
            keypoints = np.concatenate([xy, flags[:, None]], axis=1).ravel()
            annotations.append(dict(
                id=len(annotations) + 1, image_id=image_id, category_id=1, iscrowd=0,
                bbox=[round(float(v), 2) for v in (x0, y0, box_w, box_h)], area=float(box_w * box_h),
                num_keypoints=int((flags > 0).sum()), keypoints=[round(float(v), 2) for v in keypoints]))
        cv2.imwrite(str(img_dir / file_name), canvas)
        images.append(dict(id=image_id, file_name=file_name, width=width, height=height))
    categories = [dict(id=1, name='object', supercategory='object',
                       keypoints=[f'kpt_{i}' for i in range(num_keypoints)],
                       skeleton=[[i + 1, i + 2] for i in range(num_keypoints - 1)])]
    ann_file = root / 'annotations.json'
    ann_file.write_text(json.dumps(dict(images=images, annotations=annotations, categories=categories)))
    metainfo_file = root / f'{name}.py'
    metainfo_file.write_text(_metainfo_text(name, num_keypoints))
    return KeypointDataset(root, ann_file, img_dir, metainfo_file, num_keypoints)
