"""Top-down inference over an image, a folder of images, an image list or a video, in one process or shared among
the ranks of a torch.distributed group; writes predictions and drawings.

Every rank takes a contiguous share of the input (:func:`shard`), processes it (:func:`infer_share`) and, in a group,
writes its part atomically; rank 0 merges the parts (:func:`merge_parts`) into one ``predictions.json``. A single
process is rank 0 of 1 and goes through the same functions.
"""
import json
import logging
import os
import os.path as osp
import socket
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import torch.distributed as dist
from mmengine.dist import get_dist_info
from mmengine.logging import print_log
from mmengine.registry import DefaultScope
from mmpose.registry import VISUALIZERS
from mmpose.structures import merge_data_samples
from tqdm import tqdm

from ..datasets.detections import DetectionFile, coco_style_id, valid_boxes
from ..utils.errors import InputError
from ..utils.files import atomic_write_json
from ..utils.image_io import ImageReadError, read_image
from ..visualization import drawing_on_every_rank
from .inference import ImagePoses, PosePredictor

IMAGE_EXTENSIONS = {'.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp'}
VIDEO_EXTENSIONS = {'.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v'}
IMAGE_LIST_EXTENSIONS = {'.txt'}
# a rank's drawn frames, until rank 0 joins them into one video: lossless, so the joined video is the single
# process's
PART_VIDEO_CODEC, PART_VIDEO_EXTENSION = 'FFV1', '.mkv'

BoxSource = Callable[[np.ndarray, str], np.ndarray]


def is_video(path: str) -> bool:
    return osp.splitext(path)[1].lower() in VIDEO_EXTENSIONS


def is_image_list(path: str) -> bool:
    return osp.isfile(path) and osp.splitext(path)[1].lower() in IMAGE_LIST_EXTENSIONS


def read_image_list(path: str) -> list[Path]:
    """The images an image-list file names, one path a line, in its order (relative paths from the list's folder;
    blank lines and lines starting with ``#`` ignored). Raises :class:`InputError` naming the file when it cannot be
    read or names two images with the same file name (predictions and drawings are keyed by file name)."""
    try:
        lines = Path(path).read_text().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f'{path}: cannot be read as an image list (one path a line): {error}') from error
    files = [Path(path).parent / line.strip() for line in lines if line.strip() and not line.lstrip().startswith('#')]
    repeated = [name for name, count in Counter(f.name for f in files).items() if count > 1]
    if repeated:
        raise InputError(f'{path}: {len(repeated)} file name(s) listed more than once, e.g. {repeated[0]} '
                         '(predictions and drawings are keyed by file name)')
    return files


def list_images(path: str) -> list[Path]:
    """An image file, a folder's image files in name order, or the images of an image-list file (``.txt``).
    Raises :class:`InputError` naming ``path`` when that gives no image."""
    if is_image_list(path):
        files = read_image_list(path)
    elif osp.isfile(path):
        files = [Path(path)]
    else:
        files = sorted(p for p in Path(path).iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
    if not files:
        raise InputError(f'{path}: no images (expected {", ".join(sorted(IMAGE_EXTENSIONS))} files, or paths in a '
                         '.txt list)')
    return files


def shard(total: int, rank: int, world_size: int) -> range:
    """Rank ``rank``'s contiguous share of ``total`` items among ``world_size`` ranks; the first
    ``total % world_size`` ranks take one item more. The shares, in rank order, are ``range(total)``."""
    base, extra = divmod(total, world_size)
    start = rank * base + min(rank, extra)
    return range(start, start + base + (rank < extra))


def iter_images(files: list[Path]) -> Iterator[tuple[str, np.ndarray | ImageReadError]]:
    """(file name, image or the error that prevented reading it)."""
    for file in files:
        try:
            yield file.name, read_image(str(file))
        except ImageReadError as error:
            yield file.name, error


def open_video(path: str) -> tuple[cv2.VideoCapture, int, float]:
    """A capture of the video at ``path``, its frame count (as the container says) and frame rate."""
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise ImageReadError(f'{path}: cannot be opened as a video')
    return capture, int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), capture.get(cv2.CAP_PROP_FPS) or 25.0


def iter_video(path: str, start: int = 0, stop: int | None = None) -> Iterator[tuple[str, np.ndarray]]:
    """(frame name, frame) of the frames ``start`` to ``stop - 1`` of a video (``stop`` None: to its end), decoded
    in order from the first frame (frame-exact, whatever the codec's seeking)."""
    capture, _, _ = open_video(path)
    stem, index = Path(path).stem, 0
    try:
        while index < start and capture.grab():
            index += 1
        while stop is None or index < stop:
            ok, frame = capture.read()
            if not ok:
                break
            yield f'{stem}_{index:06d}', frame
            index += 1
    finally:
        capture.release()


class VideoSink:
    """Frames written to one video file (opened at the first frame, whose size it takes)."""

    def __init__(self, path: Path, fps: float, codec: str = 'mp4v') -> None:
        self.path, self.fps, self.codec = path, fps, codec
        self.writer = None

    def write(self, frame: np.ndarray) -> None:
        if self.writer is None:
            self.writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*self.codec), self.fps,
                                          frame.shape[1::-1])
        self.writer.write(np.ascontiguousarray(frame))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.release()
            self.writer = None


class Drawer:
    """Skeletons drawn with the pose model's visualiser, written as images into ``out_dir`` or, given ``video``,
    as that video's frames."""

    def __init__(self, estimator: PosePredictor, out_dir: Path, video: VideoSink | None = None) -> None:
        with DefaultScope.overwrite_default_scope('mmpose'):  # a detector may have left MMDetection's scope on
            self.visualizer = VISUALIZERS.build(dict(type='Numpy2PoseLocalVisualizer', name=f'infer_{id(self)}',
                                                     radius=3, line_width=2))
        self.visualizer.set_dataset_meta(estimator.model.dataset_meta)
        self.out_dir = out_dir
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.video = video

    def __call__(self, name: str, image: np.ndarray, poses: ImagePoses) -> None:
        rgb = image[..., ::-1].copy()
        if len(poses):
            with drawing_on_every_rank():
                self.visualizer.add_datasample('pose', rgb, merge_data_samples(poses.data_samples), draw_gt=False,
                                               draw_bbox=True, kpt_thr=0.5)
                drawn = self.visualizer.get_image()[..., ::-1]
        else:
            drawn = image
        if self.video is None:
            cv2.imwrite(str(self.out_dir / name), drawn)
        else:
            self.video.write(drawn)

    def close(self) -> None:
        if self.video is not None:
            self.video.close()


class InferenceInput:
    """What inference runs on: the image files of ``path`` (see :func:`list_images`) or the frames of a video.
    ``total`` counts them (for a video, as its container says)."""

    def __init__(self, path: str) -> None:
        if not osp.exists(path):
            raise FileNotFoundError(f'input {path} does not exist')
        self.path = path
        self.video = is_video(path)
        if self.video:
            capture, self.total, self.fps = open_video(path)
            capture.release()
            self.files = []
        else:
            self.files = list_images(path)
            self.total, self.fps = len(self.files), 0.0

    def frames(self, share: range, to_end: bool = False) -> Iterator[tuple[str, np.ndarray | ImageReadError]]:
        """(name, image or why it could not be read) of the images or frames in ``share``; ``to_end``: for a
        video, on to its last frame (the container's frame count can be short)."""
        if self.video:
            return iter_video(self.path, share.start, None if to_end else share.stop)
        return iter_images(self.files[share.start:share.stop])


def infer_share(estimator: PosePredictor, boxes: BoxSource, source: InferenceInput, share: range,
                to_end: bool = False, drawer: Drawer | None = None, progress: str | None = None,
                partial_path: Path | None = None) -> dict:
    """Poses in the images or frames ``share`` of ``source`` (a part of the run).

    Returns ``results`` (COCO keypoint results in input order, with ``file_name`` and, for images, ``image_id``
    when known), ``skipped`` ({name: why it could not be read}), ``without_people`` (names), ``processed`` (count)
    and ``unmatched`` (the detections of a :class:`DetectionFile` that no image of the share asked for; None for
    other box sources and videos). ``progress``: a progress bar with this label. When an error stops it, the results
    so far are written to ``partial_path`` (with a warning naming it) before the error propagates.
    """
    results, skipped, without_people, processed = [], {}, [], 0
    try:
        for name, image in tqdm(source.frames(share, to_end), total=len(share), desc=progress,
                                unit='frame' if source.video else 'image', disable=progress is None):
            if isinstance(image, ImageReadError):
                skipped[name] = str(image)
                print_log(f'skipping {image}', logger='current', level=logging.WARNING)
                continue
            poses = estimator(image, valid_boxes(boxes(image, name), image.shape, name))
            image_ref = dict(file_name=name)
            image_id = (boxes.image_id(name) if isinstance(boxes, DetectionFile) else coco_style_id(name))
            if image_id is not None and not source.video:
                image_ref['image_id'] = image_id
            results.extend(poses.to_coco_results(**image_ref))
            processed += 1
            if not len(poses):
                without_people.append(name)
                print_log(f'{name}: no person found', logger='current', level=logging.INFO)
            if drawer is not None:
                drawer(name, image, poses)
    except BaseException:
        if partial_path is not None:
            atomic_write_json(results, str(partial_path))
            print_log(f'inference stopped by an error after {processed} image(s): their results are in '
                      f'{partial_path} (predictions.json is written only by a complete run)', logger='current',
                      level=logging.WARNING)
        raise
    finally:
        if drawer is not None:
            drawer.close()
    unmatched = boxes.unmatched() if isinstance(boxes, DetectionFile) and not source.video else None
    return dict(results=results, skipped=skipped, without_people=without_people, processed=processed,
                unmatched=unmatched)


def merge_parts(parts: list[dict]) -> dict:
    """One part from the parts of :func:`infer_share` in input order: results and names concatenated, counts
    summed; a detection is unmatched when no part matched it."""
    unmatched = parts[0]['unmatched']
    for part in parts[1:]:
        unmatched = None if unmatched is None else [u for u in unmatched if u in set(part['unmatched'] or ())]
    return dict(results=[r for part in parts for r in part['results']],
                skipped={name: why for part in parts for name, why in part['skipped'].items()},
                without_people=[name for part in parts for name in part['without_people']],
                processed=sum(part['processed'] for part in parts), unmatched=unmatched)


def join_videos(parts: list[Path], out: VideoSink) -> None:
    """The frames of the videos ``parts`` (those that exist), in order, written to ``out``; the parts removed."""
    for path in parts:
        if not path.exists():  # a rank whose share had no frame
            continue
        for _, frame in iter_video(str(path)):
            out.write(frame)
        path.unlink()
    out.close()


def run_topdown_inference(estimator: PosePredictor, boxes: BoxSource, inputs: str, out_dir: str,
                          draw: bool = True, progress: bool = True) -> dict:
    """Estimate poses in ``inputs`` (an image, a folder of images, an image-list ``.txt`` file or a video) and write
    ``out_dir/predictions.json`` (COCO keypoint results in input order, with ``file_name`` and, when known,
    ``image_id``), ``out_dir/skipped.json`` when an image could not be read, and drawings under ``out_dir/vis/``
    (a video in gives one ``.mp4`` out).

    In a torch.distributed group, every rank processes its :func:`shard` of the input and writes it to
    ``out_dir/predictions.part-R-of-W.json`` (atomically); after a barrier, rank 0 merges the parts, joins the drawn
    video parts in frame order and removes the parts. ``out_dir`` must then be on a file system all ranks see.
    ``predictions.json`` (an earlier one is removed at the start) appears only once the whole run completed; a run
    stopped by an error leaves its results so far in ``predictions.partial.json`` (per rank in a group).

    Unreadable images are reported and skipped; images without a person are reported and contribute no results;
    detections from a :class:`DetectionFile` that no input image matched are reported. Returns, on every rank, the
    whole run's summary: images processed, poses found, images without people, skipped files with reasons (and
    unmatched detections).
    """
    rank, world_size = get_dist_info()
    source = InferenceInput(inputs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    single = world_size == 1
    parts_paths = [out / f'predictions.part-{r}-of-{world_size}.json' for r in range(world_size)]
    partial_path = (out / 'predictions.partial.json' if single else
                    parts_paths[rank].with_name(f'{parts_paths[rank].stem}.partial.json'))
    for stale in [parts_paths[rank], partial_path] + ([out / 'predictions.json', out / 'skipped.json']
                                                       if rank == 0 else []):
        stale.unlink(missing_ok=True)

    share = shard(source.total, rank, world_size)
    video_name = f'{Path(inputs).stem}.mp4'
    video_parts = [out / 'vis' / f'.{video_name}.part-{r}-of-{world_size}{PART_VIDEO_EXTENSION}'
                   for r in range(world_size)]
    drawer = None
    if draw:
        sink = (VideoSink(out / 'vis' / video_name, source.fps) if single else
                VideoSink(video_parts[rank], source.fps, PART_VIDEO_CODEC)) if source.video else None
        drawer = Drawer(estimator, out / 'vis', sink)
    label = 'pose estimation'
    if not single:
        label += f', rank {rank}/{world_size}'
        print(f'rank {rank} of {world_size} on {socket.gethostname()} (pid {os.getpid()}): '
              f'{"frames" if source.video else "images"} {share.start + 1}-{share.stop} of {source.total} in {inputs}',
              file=sys.stderr, flush=True)
    part = infer_share(estimator, boxes, source, share, source.video and rank == world_size - 1, drawer,
                       label if progress else None, partial_path)

    if single:
        parts = [part]
    else:
        atomic_write_json(part, str(parts_paths[rank]))
        dist.barrier()
        parts = [json.loads(path.read_text()) for path in parts_paths] if rank == 0 else []
    summary = None
    if rank == 0:
        merged = merge_parts(parts)
        summary = dict(processed=merged['processed'], poses=len(merged['results']),
                       without_people=merged['without_people'], skipped=merged['skipped'])
        if merged['unmatched']:
            unmatched = summary['unmatched_detections'] = merged['unmatched']
            print_log(f'{boxes.path}: detections for {len(unmatched)} image(s) not in {inputs} were not used: '
                      f'{", ".join(map(str, unmatched[:5]))}{" ..." if len(unmatched) > 5 else ""}',
                      logger='current', level=logging.WARNING)
        if merged['skipped']:
            atomic_write_json(merged['skipped'], str(out / 'skipped.json'))
            if not single:  # (the other ranks' own warnings are not shown: MMEngine logs only errors there)
                print_log(f'{len(merged["skipped"])} input(s) could not be read, listed in {out / "skipped.json"}',
                          logger='current', level=logging.WARNING)
        if draw and source.video and not single:
            join_videos(video_parts, VideoSink(out / 'vis' / video_name, source.fps))
        atomic_write_json(merged['results'], str(out / 'predictions.json'))  # last: the run is complete
        if not single:
            for path in parts_paths:
                path.unlink()
    if not single:
        shared = [summary]
        dist.broadcast_object_list(shared, src=0)  # (also keeps every rank until the merge is done)
        summary = shared[0]
    return summary
