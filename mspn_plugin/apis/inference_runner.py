"""Top-down inference over an image, a folder of images, an image list, a video or a live source (read through
:mod:`.inference_inputs`), in one process or shared among the ranks of a torch.distributed group; in a video, poses
tracked (:mod:`.pose_tracking`) and optionally smoothed (:mod:`.keypoint_smoothing`); writes predictions, tracks
and drawings.

Every rank takes a contiguous share of the input (:func:`shard`), processes it (:func:`infer_share`) and, in a group,
writes its part atomically; rank 0 merges the parts (:func:`merge_parts`) into one ``predictions.json``, joining the
ranks' track ids (:func:`~.pose_tracking.join_track_ids`). A single process is rank 0 of 1 and goes through the same
functions.
"""
import json
import logging
import os
import socket
import sys
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch.distributed as dist
from mmengine.dist import get_dist_info
from mmengine.logging import print_log
from tqdm import tqdm

from ..datasets.detections import DetectionFile, coco_style_id, valid_boxes
from ..utils.errors import InputError
from ..utils.files import atomic_write_json
from ..utils.image_io import ImageReadError
from ..utils.step_times import StepTimes
from .inference import ImagePoses, PosePredictor
from .inference_drawing import Drawer, draw_results
from .inference_inputs import Frame, InferenceInput, VideoSink, iter_video, shard
from .keypoint_smoothing import SmoothingConfig, TrackSmoother
from .live_input import stop_on_interrupt
from .pose_tracking import DEFAULT_TRACKING, PoseTracker, TrackingConfig, join_track_ids, track_summary

# a rank's drawn frames, until rank 0 joins them into one video: lossless, so the joined video is the single
# process's
PART_VIDEO_CODEC, PART_VIDEO_EXTENSION = 'FFV1', '.mkv'

BoxSource = Callable[[np.ndarray, str], np.ndarray]


class VideoPoses:
    """What a video adds to each frame's poses: track ids and, optionally, smoothed keypoints (the network's kept as
    ``raw_keypoints``). ``record_births``: keep what joining the ids of parts of the video needs
    (:meth:`~.pose_tracking.PoseTracker.boundary`)."""

    def __init__(self, estimator: PosePredictor, tracking: TrackingConfig, smoothing: SmoothingConfig | None,
                 record_births: bool = False) -> None:
        sigmas = (estimator.checked_sigmas('OKS tracking (match by box IoU instead: --track-by iou)')
                  if tracking.match == 'oks' else None)
        self.tracker = PoseTracker(tracking, sigmas, record_births=record_births)
        self.smoother = None if smoothing is None else TrackSmoother(smoothing)

    def __call__(self, poses: ImagePoses, frame_time: float) -> None:
        poses.track_ids = self.tracker(poses.keypoints, poses.keypoint_scores, poses.boxes, poses.scores)
        if self.smoother is not None:
            poses.raw_keypoints = poses.keypoints
            poses.keypoints = self.smoother(poses.keypoints, poses.track_ids, frame_time).astype(np.float32)
            self.smoother.keep_only({t.track_id for t in self.tracker.tracks})


def infer_share(estimator: PosePredictor, boxes: BoxSource, source: InferenceInput, share: range,
                to_end: bool = False, drawer: Drawer | None = None, progress: str | None = None,
                partial_path: Path | None = None, video_poses: VideoPoses | None = None,
                heatmap_dir: Path | None = None) -> dict:
    """Poses in the images or frames ``share`` of ``source`` (a part of the run; a live source: until it ends or
    is stopped, by Ctrl-C among others). With ``heatmap_dir``, each image's (frame's) people's heatmaps go to
    ``heatmap_dir/<its name without extension>.npz`` (:meth:`~.inference.ImagePoses.stage_heatmaps`).

    Returns ``results`` (COCO keypoint results in input order, with ``file_name``, for images ``image_id`` when
    known, for videos and tracked images ``frame_index``, and ``track_id`` when tracked), ``skipped`` ({name: why it
    could not be read}), ``without_people`` (names), ``processed`` (count), ``unmatched`` (the detections of a
    :class:`DetectionFile` that no image of the share asked for; None for other box sources and videos),
    ``seconds`` (per step: read, detect, pose, track, draw, write), ``tracking`` (the tracker's
    :meth:`~.pose_tracking.PoseTracker.boundary`, when tracked) and ``live`` (received, processed, dropped frames
    and the latency, for a live source). ``progress``: a progress bar with this label. When an error stops it, the
    results so far are written to ``partial_path`` (with a warning naming it) before the error propagates.
    """
    results, skipped, without_people, processed = [], {}, [], 0
    times = StepTimes()
    frame_ref = source.video or video_poses is not None
    try:
        with stop_on_interrupt(source.live) if source.live is not None else nullcontext():
            frames = times.timed(source.frames(share, to_end), 'read')
            for frame in tqdm(frames, total=None if source.live else len(share), desc=progress,
                              unit='frame' if source.video else 'image', disable=progress is None):
                if isinstance(frame.image, ImageReadError):
                    skipped[frame.name] = str(frame.image)
                    print_log(f'skipping {frame.image}', logger='current', level=logging.WARNING)
                    continue
                poses = process_frame(estimator, boxes, frame, times, video_poses)
                image_ref = dict(file_name=frame.name)
                image_id = (boxes.image_id(frame.name) if isinstance(boxes, DetectionFile)
                            else coco_style_id(frame.name))
                if image_id is not None and not source.video:
                    image_ref['image_id'] = image_id
                if frame_ref:
                    image_ref['frame_index'] = frame.index
                results.extend(poses.to_coco_results(**image_ref))
                processed += 1
                if not len(poses):
                    without_people.append(frame.name)
                    print_log(f'{frame.name}: no person found', logger='current', level=logging.INFO)
                elif heatmap_dir is not None:
                    with times('write'):
                        np.savez_compressed(heatmap_dir / f'{Path(frame.name).stem}.npz', **poses.stage_heatmaps())
                if drawer is not None:
                    drawer(frame.name, frame.image, poses, times)
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
    part = dict(results=results, skipped=skipped, without_people=without_people, processed=processed,
                unmatched=unmatched, seconds=dict(times.seconds))
    if video_poses is not None:
        part['tracking'] = video_poses.tracker.boundary()
    if source.live is not None:
        part['live'] = source.live.summary()
    return part


def process_frame(estimator: PosePredictor, boxes: BoxSource, frame: Frame, times: StepTimes,
                  video_poses: VideoPoses | None) -> ImagePoses:
    """The poses of one frame: its person boxes (checked), the pose model, then tracking and smoothing."""
    with times('detect'):
        found = valid_boxes(boxes(frame.image, frame.name), frame.image.shape, frame.name)
    with times('pose'):
        poses = estimator(frame.image, found)
    if video_poses is not None:
        with times('track'):
            video_poses(poses, frame.time)
    return poses


def merge_parts(parts: list[dict], tracking: TrackingConfig | None = None, sigmas: np.ndarray | None = None
                ) -> dict:
    """One part from the parts of :func:`infer_share` in input order: results and names concatenated, counts and
    step times summed; a detection is unmatched when no part matched it. Tracked parts (``tracking`` given) get
    video-wide track ids (:func:`~.pose_tracking.join_track_ids`)."""
    unmatched = parts[0]['unmatched']
    for part in parts[1:]:
        unmatched = None if unmatched is None else [u for u in unmatched if u in set(part['unmatched'] or ())]
    if tracking is not None and len(parts) > 1:
        mappings = join_track_ids([part['tracking'] for part in parts], tracking, sigmas)
        parts = [dict(part, results=[dict(r, track_id=mapping[r['track_id']]) for r in part['results']])
                 for part, mapping in zip(parts, mappings, strict=True)]
    seconds = defaultdict(float)
    for part in parts:
        for step, value in part.get('seconds', {}).items():
            seconds[step] += value
    return dict(results=[r for part in parts for r in part['results']],
                skipped={name: why for part in parts for name, why in part['skipped'].items()},
                without_people=[name for part in parts for name in part['without_people']],
                processed=sum(part['processed'] for part in parts), unmatched=unmatched, seconds=dict(seconds))


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
                          draw: bool = True, progress: bool = True, track: bool | None = None,
                          tracking: TrackingConfig = DEFAULT_TRACKING, smoothing: SmoothingConfig | None = None,
                          show: bool = False, save_heatmaps: bool = False) -> dict:
    """Estimate poses in ``inputs`` (an image, a folder of images, an image-list ``.txt`` file, a video, or a live
    source: a camera index or a stream URL) and write ``out_dir/predictions.json`` (COCO keypoint results in input
    order, with ``file_name``, ``image_id`` when known, ``frame_index`` for video frames and ``track_id`` when
    tracked), ``out_dir/tracks.json`` (each track's first and last frame) when tracked, ``out_dir/skipped.json``
    when an image could not be read, and drawings under ``out_dir/vis/`` (a video or live source in gives one
    ``.mp4`` out).

    ``track``: give every pose a track id (:class:`~.pose_tracking.PoseTracker`, configured by ``tracking``);
    None: for videos and live sources, not for images. ``smoothing``: One-Euro filter the tracked keypoints
    (``raw_keypoints`` keeps the network's). ``show``: also show the drawings in a window (where a display exists).
    ``save_heatmaps``: each person's heatmaps of every stage go to ``out_dir/heatmaps/<image name without
    extension>.npz`` (one file per image or frame with people; the ``estimator`` made with ``stage_heatmaps=True``).
    A live source is processed as it arrives, dropping frames while the model is busy, until it ends or Ctrl-C.

    In a torch.distributed group, every rank processes its :func:`shard` of the input and writes it to
    ``out_dir/predictions.part-R-of-W.json`` (atomically); after a barrier, rank 0 merges the parts (joining the
    ranks' track ids), joins the drawn video parts in frame order (with tracking, it draws the input itself, once
    the ids are joined) and removes the parts. ``out_dir`` must then be on a file system all ranks see.
    ``predictions.json`` (an earlier one is removed at the start) appears only once the whole run completed; a run
    stopped by an error leaves its results so far in ``predictions.partial.json`` (per rank in a group).

    Unreadable images are reported and skipped; images without a person are reported and contribute no results;
    detections from a :class:`DetectionFile` that no input image matched are reported. Returns, on every rank, the
    whole run's summary: images processed, poses found, images without people, skipped files with reasons (and
    unmatched detections, tracks, live-source statistics), and the seconds spent in each step.
    """
    rank, world_size = get_dist_info()
    source = InferenceInput(inputs)
    single = world_size == 1
    if source.live is not None and not single:
        raise InputError(f'{inputs}: a live source cannot be shared among processes (run tools/infer.py)')
    if save_heatmaps and not estimator.stage_heatmaps:
        raise ValueError('save_heatmaps needs a PosePredictor made with stage_heatmaps=True')
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    heatmap_dir = out / 'heatmaps' if save_heatmaps else None
    if heatmap_dir is not None:
        heatmap_dir.mkdir(exist_ok=True)
    parts_paths = [out / f'predictions.part-{r}-of-{world_size}.json' for r in range(world_size)]
    partial_path = (out / 'predictions.partial.json' if single else
                    parts_paths[rank].with_name(f'{parts_paths[rank].stem}.partial.json'))
    for stale in [parts_paths[rank], partial_path] + ([out / name for name in (
            'predictions.json', 'skipped.json', 'tracks.json')] if rank == 0 else []):
        stale.unlink(missing_ok=True)

    tracked = source.video if track is None else track
    video_poses = (VideoPoses(estimator, tracking, smoothing, record_births=not single) if tracked else None)
    share = shard(source.total or 0, rank, world_size)
    video_name = f'{source.stem}.mp4'
    video_parts = [out / 'vis' / f'.{video_name}.part-{r}-of-{world_size}{PART_VIDEO_EXTENSION}'
                   for r in range(world_size)]
    drawer = None
    if draw and (single or not tracked):
        sink = (VideoSink(out / 'vis' / video_name, source.fps) if single else
                VideoSink(video_parts[rank], source.fps, PART_VIDEO_CODEC)) if source.video else None
        drawer = Drawer(estimator, out / 'vis', sink, show, source.live.stop if source.live else None)
    label = 'pose estimation'
    if not single:
        label += f', rank {rank}/{world_size}'
        print(f'rank {rank} of {world_size} on {socket.gethostname()} (pid {os.getpid()}): '
              f'{"frames" if source.video else "images"} {share.start + 1}-{share.stop} of {source.total} in {inputs}',
              file=sys.stderr, flush=True)
    part = infer_share(estimator, boxes, source, share, source.video and rank == world_size - 1, drawer,
                       label if progress else None, partial_path, video_poses, heatmap_dir)

    if single:
        parts = [part]
    else:
        atomic_write_json(part, str(parts_paths[rank]))
        dist.barrier()
        parts = [json.loads(path.read_text()) for path in parts_paths] if rank == 0 else []
    summary = None
    if rank == 0:
        merged = merge_parts(parts, tracking if tracked else None, video_poses and video_poses.tracker.sigmas)
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
        if draw and not single:
            if tracked:
                draw_results(source, merged['results'], Drawer(
                    estimator, out / 'vis', VideoSink(out / 'vis' / video_name, source.fps) if source.video else None))
            elif source.video:
                join_videos(video_parts, VideoSink(out / 'vis' / video_name, source.fps))
        if tracked:
            tracks = track_summary(merged['results'])
            summary['tracks'] = len(tracks)
            atomic_write_json(tracks, str(out / 'tracks.json'))
        if 'live' in part:
            summary['live'] = part['live']
        summary['seconds'] = merged['seconds']
        atomic_write_json(merged['results'], str(out / 'predictions.json'))  # last: the run is complete
        if not single:
            for path in parts_paths:
                path.unlink()
    if not single:
        shared = [summary]
        dist.broadcast_object_list(shared, src=0)  # (also keeps every rank until the merge is done)
        summary = shared[0]
    return summary
