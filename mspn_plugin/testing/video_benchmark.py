"""The whole video path, ours against MMPose's ``MMPoseInferencer``: decode, person detection, pose estimation with
flip test, (ours: tracking,) drawing, writing; the ``video`` section of ``tools/benchmark.py``.

Both sides get the same video (:func:`~.synthetic_video.crossing_scene`), the same detector (one MMDetection
config and checkpoint, the same cap on boxes per frame), the same person filter (score > 0.3, box NMS at IoU 0.3:
``MMPoseInferencer``'s defaults; ours without OKS-NMS, which MMPose's inferencer does not do), and the same pose
weights: MMPose's ``MSPN`` + ``MSPNHead`` with random weights (:func:`~.random_weights.randomise_weights_`) and
ours loaded from them (``convert_mmpose_state_dict``). MMPose's model is configured with our test pipeline and our
decoder (its ``MSPNHead`` takes any codec), so that both compute the same poses and the outputs can be compared.
Each side writes a drawn video and its predictions; ours also tracks.
"""
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmpose.registry import MODELS

from ..apis import PersonDetector, PosePredictor, run_topdown_inference
from ..checkpoint import convert_mmpose_state_dict
from ..datasets import with_codec
from ..utils.imagenet import IMAGENET_RGB_MEAN, IMAGENET_RGB_STD
from ..utils.registry_scope import registry_scope
from .mmpose_reference import mmpose_model_cfg
from .random_weights import randomise_weights_, save_random_person_detector
from .synthetic_video import SyntheticScene, crossing_scene

PERSON_SCORE_THR = 0.3  # MMPoseInferencer's bbox_thr
PERSON_NMS_THR = 0.3  # MMPoseInferencer's nms_thr
KEYPOINT_DRAW_THR = 0.5  # as tools/infer.py draws
DETECTOR_NMS_PRE = 1000
EQUAL_TOLERANCE_PX = 0.01  # keypoints "equal" within float rounding


@dataclass
class VideoBenchmarkOptions:
    """The video, the models and the repetitions of the ``video`` section."""

    config: str  # our pose config: an MSPN with ResNet-50 down units (what MMPose's MSPN can hold)
    det_config: str
    det_checkpoint: str | None = None  # None: random weights (save_random_person_detector)
    samples: str = 'demo/resources/coco'  # where the synthetic video's people come from
    frames: int = 24
    frame_size: tuple[int, int] = (640, 360)
    boxes_per_frame: int = 4  # the detector's max_per_img (the scene has 4 people)
    input_size: tuple[int, int] | None = None  # (w, h); None: the config's
    reps: int = 3
    warmup: int = 1
    device: str = 'cpu'


class _Timed:
    """A callable that adds the seconds each call takes to ``seconds[step]``."""

    def __init__(self, function: Callable, seconds: dict, step: str) -> None:
        self.function, self.seconds, self.step = function, seconds, step

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds[self.step] += time.perf_counter() - start


def _pose_configs(options: VideoBenchmarkOptions, scene: SyntheticScene, work: Path) -> tuple[Path, Path, Path, Path]:
    """Our config file (at ``input_size``), MMPose's config file and the two checkpoints of the same weights
    (BatchNorm statistics calibrated on the scene's people, so that the heatmaps depend on the image)."""
    cfg = Config.fromfile(options.config)
    if options.input_size is not None:
        codec = dict(cfg.codec, input_size=tuple(options.input_size))
        cfg.merge_from_dict({'codec': codec, 'model.head.decoder': codec})
        cfg.test_dataloader.dataset.pipeline = with_codec(cfg.test_dataloader.dataset.pipeline, codec)
    cfg.model.backbone.init_cfg = None
    ours_config = work / 'ours.py'
    cfg.dump(str(ours_config))
    input_size = tuple(cfg.codec.input_size)
    reference = MODELS.build(mmpose_model_cfg(cfg.model.backbone.num_stages, input_size))
    crops = np.stack([cv2.resize(scene.frame(0)[y1:y2, x1:x2], input_size)
                      for x1, y1, x2, y2 in (scene.detection_box(p, 0).astype(int) for p in scene.detected(0))])
    crops = (crops[..., ::-1] - np.array(IMAGENET_RGB_MEAN)) / np.array(IMAGENET_RGB_STD)
    batch = torch.from_numpy(np.ascontiguousarray(crops.transpose(0, 3, 1, 2))).float()
    randomise_weights_(reference, seed=0, calibrate=lambda model: model.head(model.backbone(batch)))
    mmpose_cfg = Config.fromfile(str(ours_config))
    mmpose_cfg.model = mmpose_model_cfg(cfg.model.backbone.num_stages, input_size)
    mmpose_cfg.model.head.decoder = cfg.codec  # our decoding, so that both compute the same poses
    mmpose_config = work / 'mmpose.py'
    mmpose_cfg.dump(str(mmpose_config))
    checkpoints = work / 'mmpose.pth', work / 'ours.pth'
    torch.save({'state_dict': reference.state_dict()}, checkpoints[0])
    torch.save({'state_dict': convert_mmpose_state_dict(reference.state_dict())}, checkpoints[1])
    return ours_config, mmpose_config, *checkpoints


def _mmpose_inferencer(pose_config: Path, pose_checkpoint: Path, det_config: Path, det_checkpoint: str,
                       device: str, seconds: dict):
    """``MMPoseInferencer`` whose detector, pose model, drawing and writing add their time to ``seconds``."""
    from mmpose.apis import MMPoseInferencer

    with registry_scope():  # (its detector leaves MMDetection's scope current)
        inferencer = MMPoseInferencer(pose2d=str(pose_config), pose2d_weights=str(pose_checkpoint),
                                      det_model=str(det_config),
                                      det_weights=det_checkpoint, det_cat_ids=[0], device=device)
    pose2d = inferencer.inferencer
    pose2d.detector = _Timed(pose2d.detector, seconds, 'detect')
    # the pose pipeline runs in preprocess_single after the detector: its time is that call's minus the detector's
    pose2d.preprocess_single = _Timed(pose2d.preprocess_single, seconds, 'detect+pipeline')
    pose2d.forward = _Timed(pose2d.forward, seconds, 'pose')
    pose2d.visualize = _Timed(pose2d.visualize, seconds, 'draw+write')
    pose2d.save_visualization = _Timed(pose2d.save_visualization, seconds, 'write')
    return inferencer


def _mmpose_steps(seconds: dict, total: float) -> dict:
    """MMPose's step times in our step names (read: decode and whatever else the loop does)."""
    steps = dict(detect=seconds['detect'], pose=seconds['pose'] + seconds['detect+pipeline'] - seconds['detect'],
                 draw=seconds['draw+write'] - seconds['write'], write=seconds['write'])
    return dict(read=total - sum(steps.values()), **steps)


def _ours_steps(seconds: dict, total: float) -> dict:
    steps = {step: seconds.get(step, 0.0) for step in ('detect', 'pose', 'track', 'draw', 'write')}
    return dict(read=total - sum(steps.values()), **steps)


def compare_poses(ours: list[dict], mmpose: list[dict]) -> dict:
    """Our predictions.json against MMPose's per-frame predictions, matched by box in each frame: poses on one side
    only, keypoints of matched poses further apart than float rounding (``EQUAL_TOLERANCE_PX``; a near-tie
    between two heatmap maxima can move one), and the largest distance."""
    ours_by_frame = defaultdict(list)
    for result in ours:
        ours_by_frame[result['frame_index']].append(result)
    unmatched, differing, worst = 0, 0, 0.0
    for frame in mmpose:
        theirs = {tuple(np.round(i['bbox'][0], 2)): np.asarray(i['keypoints']) for i in frame['instances']}
        mine = {tuple(np.round([x, y, x + w, y + h], 2)): np.asarray(r['keypoints']).reshape(-1, 3)[:, :2]
                for r in ours_by_frame[frame['frame_id']] for x, y, w, h in [r['bbox']]}
        unmatched += len(set(theirs) ^ set(mine))
        for box in set(theirs) & set(mine):
            distances = np.linalg.norm(theirs[box] - mine[box], axis=1)
            differing += int((distances > EQUAL_TOLERANCE_PX).sum())
            worst = max(worst, float(distances.max()))
    keypoints = sum(len(np.asarray(r['keypoints'])) // 3 for r in ours)
    return dict(poses=len(ours), unmatched_poses=unmatched, keypoints=keypoints, differing_keypoints=differing,
                max_keypoint_diff_px=worst)


def benchmark_video(options: VideoBenchmarkOptions, paired_times: Callable, paired_summary: Callable) -> dict:
    """Frames/s of the whole video path, ours and MMPose's, timed alternately (``paired_times``), with the
    median seconds per frame of each step and the comparison of the two sides' poses."""
    with tempfile.TemporaryDirectory(prefix='video_benchmark_') as tmp:
        work = Path(tmp)
        scene = crossing_scene(Path(options.samples), options.frames, tuple(options.frame_size))
        video = str(scene.write_video(work / 'video.mp4', fps=25.0))
        det_checkpoint = options.det_checkpoint or str(save_random_person_detector(options.det_config,
                                                                                   work / 'detector.pth'))
        det_cfg = Config.fromfile(options.det_config)
        # at most boxes_per_frame people, from the 1,000 best-scored boxes (RTMDet keeps 30,000 before its NMS,
        # which then dominates on the random detector, whose boxes all score high)
        det_cfg.merge_from_dict({'model.test_cfg.max_per_img': options.boxes_per_frame,
                                 'model.test_cfg.nms_pre': DETECTOR_NMS_PRE})
        det_config = work / 'detector.py'
        det_cfg.dump(str(det_config))
        ours_config, mmpose_config, mmpose_checkpoint, ours_checkpoint = _pose_configs(options, scene, work)

        estimator = PosePredictor(str(ours_config), str(ours_checkpoint), options.device, flip=True,
                                  box_nms_thr=PERSON_NMS_THR, oks_nms_thr=None)
        detector = PersonDetector(str(det_config), det_checkpoint, options.device, score_thr=PERSON_SCORE_THR)
        # MMPose keeps boxes scoring above the threshold, ours at or above: the same boxes but for exact ties
        steps = dict(ours=[], mmpose=[])

        def ours() -> None:
            start = time.perf_counter()
            summary = run_topdown_inference(estimator, detector, video, str(work / 'ours'), progress=False,
                                            track=True)
            steps['ours'].append(_ours_steps(summary['seconds'], time.perf_counter() - start))

        mmpose_seconds = defaultdict(float)
        inferencer = _mmpose_inferencer(mmpose_config, mmpose_checkpoint, det_config, det_checkpoint,
                                        options.device, mmpose_seconds)

        def mmpose() -> None:
            mmpose_seconds.clear()
            start = time.perf_counter()
            with registry_scope():
                for _ in inferencer(video, vis_out_dir=str(work / 'mmpose'), pred_out_dir=str(work / 'mmpose'),
                                    bbox_thr=PERSON_SCORE_THR, nms_thr=PERSON_NMS_THR, draw_bbox=True,
                                    kpt_thr=KEYPOINT_DRAW_THR, radius=3, thickness=2):
                    pass
            steps['mmpose'].append(_mmpose_steps(mmpose_seconds, time.perf_counter() - start))

        mmpose_times, our_times = paired_times(mmpose, ours, options.reps, options.warmup)
        comparison = compare_poses(json.loads((work / 'ours/predictions.json').read_text()),
                                   json.loads((work / 'mmpose/video.json').read_text()))
    frames = scene.num_frames
    return dict(frames=frames, frame_size=list(options.frame_size), config=options.config,
                boxes_per_frame=options.boxes_per_frame, **paired_summary(frames, mmpose_times, our_times,
                                                                          unit='frames_per_s'),
                steps={side: {step: float(np.median([run[step] for run in runs[-options.reps:]])) / frames
                              for step in runs[0]} for side, runs in steps.items()},
                outputs=comparison)


def format_video_table(results: dict) -> str:
    """The ``video`` section as Markdown: frames/s and the seconds per frame of each step."""
    steps = list(results['steps']['ours'])
    lines = [f"| video path ({results['frames']} frames, {results['frame_size'][0]}x{results['frame_size'][1]}) "
             f"| frames/s | {' | '.join(steps)} |", '|---|---|' + '---|' * len(steps)]
    for side, name in (('mmpose', 'MMPoseInferencer'), ('ours', 'ours (+ tracking)')):
        times = results['steps'][side]
        lines.append(f"| {name} | {results[f'{side}_frames_per_s']:.2f} | "
                     + ' | '.join(f'{times.get(step, 0.0) * 1000:.0f} ms' for step in steps) + ' |')
    outputs = results['outputs']
    lines += ['', f"ratio ours / MMPose (median of pairs): {results['ratio']:.2f}x; {outputs['poses']} poses, "
                  f"{outputs['unmatched_poses']} on one side only; {outputs['differing_keypoints']} of "
                  f"{outputs['keypoints']} keypoints more than {EQUAL_TOLERANCE_PX} px apart (largest difference "
                  f"{outputs['max_keypoint_diff_px']:.2e} px)"]
    return '\n'.join(lines)
