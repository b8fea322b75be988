"""Run top-down inference over an image, a folder of images or a video; write predictions and drawings."""
import logging
import os.path as osp
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
from mmengine.logging import print_log
from mmengine.registry import DefaultScope
from mmpose.registry import VISUALIZERS
from mmpose.structures import merge_data_samples
from tqdm import tqdm

from ..datasets.detections import DetectionFile, coco_style_id, valid_boxes
from ..utils.files import atomic_write_json
from ..utils.image_io import ImageReadError, read_image
from .inference import ImagePoses, PosePredictor

IMAGE_EXTENSIONS = {'.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp'}
VIDEO_EXTENSIONS = {'.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v'}

BoxSource = Callable[[np.ndarray, str], np.ndarray]


def is_video(path: str) -> bool:
    return osp.splitext(path)[1].lower() in VIDEO_EXTENSIONS


def list_images(path: str) -> list[Path]:
    """An image file, or a folder's image files in name order."""
    if osp.isfile(path):
        return [Path(path)]
    return sorted(p for p in Path(path).iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)


def iter_images(files: list[Path]) -> Iterator[tuple[str, np.ndarray | ImageReadError]]:
    """(file name, image or the error that prevented reading it)."""
    for file in files:
        try:
            yield file.name, read_image(str(file))
        except ImageReadError as error:
            yield file.name, error


def iter_video(path: str) -> tuple[int, Iterator[tuple[str, np.ndarray]]]:
    """The frame count and (frame name, frame) of a video."""
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise ImageReadError(f'{path}: cannot be opened as a video')
    stem = Path(path).stem

    def frames() -> Iterator[tuple[str, np.ndarray]]:
        index = 0
        try:
            while True:
                ok, frame = capture.read()
                if not ok:
                    break
                yield f'{stem}_{index:06d}', frame
                index += 1
        finally:
            capture.release()

    return int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), frames()


class Drawer:
    """Skeletons drawn with the pose model's visualiser, written as images or as one video."""

    def __init__(self, estimator: PosePredictor, out_dir: Path, video_from: str | None) -> None:
        with DefaultScope.overwrite_default_scope('mmpose'):  # a detector may have left MMDetection's scope on
            self.visualizer = VISUALIZERS.build(dict(type='Numpy2PoseLocalVisualizer', name=f'infer_{id(self)}',
                                                     radius=3, line_width=2))
        self.visualizer.set_dataset_meta(estimator.model.dataset_meta)
        self.out_dir = out_dir
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.video_from = video_from
        self.writer = None

    def __call__(self, name: str, image: np.ndarray, poses: ImagePoses) -> None:
        rgb = image[..., ::-1].copy()
        if len(poses):
            self.visualizer.add_datasample('pose', rgb, merge_data_samples(poses.data_samples), draw_gt=False,
                                           draw_bbox=True, kpt_thr=0.5)
            drawn = self.visualizer.get_image()[..., ::-1]
        else:
            drawn = image
        if self.video_from is None:
            cv2.imwrite(str(self.out_dir / name), drawn)
            return
        if self.writer is None:
            capture = cv2.VideoCapture(self.video_from)
            fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
            capture.release()
            path = self.out_dir / f'{Path(self.video_from).stem}.mp4'
            self.writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), fps, drawn.shape[1::-1])
        self.writer.write(np.ascontiguousarray(drawn))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.release()


def run_topdown_inference(estimator: PosePredictor, boxes: BoxSource, inputs: str, out_dir: str,
                          draw: bool = True, progress: bool = True) -> dict:
    """Estimate poses in ``inputs`` (image, folder or video) and write ``out_dir/predictions.json`` (COCO keypoint
    results with ``file_name`` and, when known, ``image_id``) and drawings under ``out_dir/vis/``.

    Unreadable images are reported and skipped; images without a person are reported and contribute no results;
    detections from a :class:`DetectionFile` that no input image matched are reported. Returns a summary: images
    processed, poses found, images without people, skipped files with reasons (and unmatched detections).
    """
    if not osp.exists(inputs):
        raise FileNotFoundError(f'input {inputs} does not exist')
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    video = is_video(inputs)
    if video:
        total, frames = iter_video(inputs)
    else:
        files = list_images(inputs)
        total, frames = len(files), iter_images(files)
    drawer = Drawer(estimator, out / 'vis', inputs if video else None) if draw else None
    results, skipped, without_people, processed = [], {}, [], 0
    try:
        for name, image in tqdm(frames, total=total, desc='pose estimation', unit='frame' if video else 'image',
                                disable=not progress):
            if isinstance(image, ImageReadError):
                skipped[name] = str(image)
                print_log(f'skipping {image}', logger='current', level=logging.WARNING)
                continue
            poses = estimator(image, valid_boxes(boxes(image, name), image.shape, name))
            image_ref = dict(file_name=name)
            image_id = (boxes.image_id(name) if isinstance(boxes, DetectionFile) else coco_style_id(name))
            if image_id is not None and not video:
                image_ref['image_id'] = image_id
            results.extend(poses.to_coco_results(**image_ref))
            processed += 1
            if not len(poses):
                without_people.append(name)
                print_log(f'{name}: no person found', logger='current', level=logging.INFO)
            if drawer is not None:
                drawer(name, image, poses)
    finally:
        if drawer is not None:
            drawer.close()
        atomic_write_json(results, str(out / 'predictions.json'))
    summary = dict(processed=processed, poses=len(results), without_people=without_people, skipped=skipped)
    if isinstance(boxes, DetectionFile) and not video and boxes.unmatched():
        unmatched = boxes.unmatched()
        summary['unmatched_detections'] = unmatched
        print_log(f'{boxes.path}: detections for {len(unmatched)} image(s) not in {inputs} were not used: '
                  f'{", ".join(map(str, unmatched[:5]))}{" ..." if len(unmatched) > 5 else ""}', logger='current',
                  level=logging.WARNING)
    if skipped:
        atomic_write_json(skipped, str(out / 'skipped.json'))
    return summary
