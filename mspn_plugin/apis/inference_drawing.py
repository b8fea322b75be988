"""Drawing inference results: poses on their images, written as image files or video frames, optionally shown.

Tracked poses are drawn one colour per track with the id printed
(:func:`~mspn_plugin.visualization.draw_tracked_poses`), others with the pose model's visualiser.
"""
import logging
import os
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from mmengine.logging import print_log
from mmpose.registry import VISUALIZERS
from mmpose.structures import merge_data_samples

from ..utils.background import WriteBehind
from ..utils.image_io import ImageReadError
from ..utils.registry_scope import registry_scope
from ..utils.step_times import StepTimes
from ..visualization import draw_tracked_poses, drawing_on_every_rank
from .inference import ImagePoses, PosePredictor
from .inference_inputs import InferenceInput, VideoSink

KEYPOINT_DRAW_THR = 0.5  # keypoints drawn above this score


def display_available() -> bool:
    """Whether a window can be shown (on Linux: an X11 or Wayland display is set)."""
    return not sys.platform.startswith('linux') or bool(os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY'))


class Drawer:
    """Poses drawn on their image: tracked poses one colour per track with the id printed
    (:func:`~mspn_plugin.visualization.draw_tracked_poses`), others with the pose model's visualiser; written (by a
    thread, while the next frame is processed) as images into ``out_dir`` or, given ``video``, as that video's
    frames; with ``show``, also shown in a window (closing it with q or Esc calls ``on_close``)."""

    def __init__(self, estimator: PosePredictor, out_dir: Path, video: VideoSink | None = None, show: bool = False,
                 on_close: Callable[[], None] | None = None) -> None:
        with registry_scope():  # a detector may have left MMDetection's scope on
            self.visualizer = VISUALIZERS.build(dict(type='Numpy2PoseLocalVisualizer', name=f'infer_{id(self)}',
                                                     radius=3, line_width=2))
        self.visualizer.set_dataset_meta(estimator.model.dataset_meta)
        self.skeleton = estimator.model.dataset_meta.get('skeleton_links', [])
        self.out_dir = out_dir
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.video = video
        if show and not display_available():
            print_log('no display: the drawings are written but not shown', logger='current', level=logging.WARNING)
        self.show, self.on_close = show and display_available(), on_close
        self.writer = WriteBehind()

    def __call__(self, name: str, image: np.ndarray, poses: ImagePoses, times: StepTimes) -> None:
        with times('draw'):
            drawn = self.draw(image, poses)
        with times('write'):  # (the time to hand the frame over; the writing overlaps what follows)
            if self.video is None:
                self.writer.submit(cv2.imwrite, str(self.out_dir / name), drawn)
            else:
                self.writer.submit(self.video.write, drawn)
        if self.show:
            cv2.imshow('mspn_plugin', drawn)
            if cv2.waitKey(1) & 0xFF in (ord('q'), 27) and self.on_close is not None:
                self.on_close()

    def draw(self, image: np.ndarray, poses: ImagePoses) -> np.ndarray:
        if not len(poses):
            return image
        if poses.track_ids is not None:
            return draw_tracked_poses(image, poses.keypoints, poses.keypoint_scores, poses.boxes, poses.track_ids,
                                      self.skeleton, KEYPOINT_DRAW_THR)
        with drawing_on_every_rank():
            self.visualizer.add_datasample('pose', image[..., ::-1].copy(), merge_data_samples(poses.data_samples),
                                           draw_gt=False, draw_bbox=True, kpt_thr=KEYPOINT_DRAW_THR)
            return self.visualizer.get_image()[..., ::-1]

    def close(self) -> None:
        self.writer.close()
        if self.video is not None:
            self.video.close()
        if self.show:
            cv2.destroyAllWindows()


def poses_from_results(results: list[dict]) -> ImagePoses:
    """The tracked poses of one image from its COCO keypoint results (for drawing)."""
    num_keypoints = len(results[0]['keypoints']) // 3 if results else 0
    triples = np.array([r['keypoints'] for r in results], dtype=np.float32).reshape(len(results), num_keypoints, 3)
    boxes = np.array([[x, y, x + w, y + h, r['score']] for r in results for x, y, w, h in [r['bbox']]],
                     dtype=np.float32).reshape(-1, 5)
    return ImagePoses(triples[..., :2], triples[..., 2], boxes, boxes[:, 4],
                      track_ids=np.array([r['track_id'] for r in results], dtype=np.int64))


def draw_results(source: InferenceInput, results: list[dict], drawer: Drawer) -> None:
    """Every image or frame of ``source`` drawn with its poses in ``results`` (after the ranks' ids are joined)."""
    by_name = defaultdict(list)
    for result in results:
        by_name[result['file_name']].append(result)
    times = StepTimes()
    try:
        for frame in source.frames(range(source.total), to_end=True):
            if not isinstance(frame.image, ImageReadError):
                drawer(frame.name, frame.image, poses_from_results(by_name[frame.name]), times)
    finally:
        drawer.close()


