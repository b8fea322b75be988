"""Top-down inference over an image, a folder of images, an image list or a video (read through
:mod:`.inference_inputs`), in one process or shared among the ranks of a torch.distributed group; writes predictions
and drawings.

Every rank takes a contiguous share of the input (:func:`shard`), processes it (:func:`infer_share`) and, in a group,
writes its part atomically; rank 0 merges the parts (:func:`merge_parts`) into one ``predictions.json``. A single
process is rank 0 of 1 and goes through the same functions.
"""
import json
import logging
import os
import socket
import sys
from collections.abc import Callable
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
from ..utils.files import atomic_write_json
from ..utils.image_io import ImageReadError
from ..visualization import drawing_on_every_rank
from .inference import ImagePoses, PosePredictor
from .inference_inputs import InferenceInput, VideoSink, iter_video, shard

# a rank's drawn frames, until rank 0 joins them into one video: lossless, so the joined video is the single
# process's
PART_VIDEO_CODEC, PART_VIDEO_EXTENSION = 'FFV1', '.mkv'

BoxSource = Callable[[np.ndarray, str], np.ndarray]


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
