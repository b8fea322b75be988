"""Pose tracking: a ``track_id`` that stays with the same person from frame to frame of a video.

Greedy matching of MMPose 0.x's top-down video demo, through MMPose's own matching functions
(``mmpose.apis._track_by_oks`` and ``_track_by_iou``): each new pose, highest score first, takes the remembered
track it overlaps most (OKS of the keypoints, with the dataset's sigmas, or IoU of the boxes) when that overlap
is above a threshold; with OKS, IoU is the fallback for a pose no track matches by OKS (keypoints thrown off by an
occlusion). A pose left unmatched starts a new track. Unlike MMPose 0.x (which remembers the previous frame
only), a track missed by the detector stays matchable for ``max_missing`` frames before its id is retired; ids
are never reused.

Shape legend: N poses in a frame, K keypoints; boxes (N, 5) are x1, y1, x2, y2, score.
"""
from dataclasses import dataclass
from typing import Literal

import numpy as np
from mmengine.structures import InstanceData
from mmpose.apis import _track_by_iou, _track_by_oks
from mmpose.structures import PoseDataSample


@dataclass(frozen=True)
class TrackingConfig:
    """How poses are matched to tracks.

    Args:
        match: ``'oks'`` (OKS of the keypoints, IoU of the boxes as the fallback) or ``'iou'`` (boxes only).
        oks_thr: OKS above which a pose continues a track (MMPose 0.x's ``tracking_thr``).
        iou_thr: box IoU above which a pose continues a track.
        max_missing: frames a track may go undetected and still continue; a person missing for more frames gets
            a new id. Counted in processed frames.
    """

    match: Literal['oks', 'iou'] = 'oks'
    oks_thr: float = 0.3
    iou_thr: float = 0.3
    max_missing: int = 10


DEFAULT_TRACKING = TrackingConfig()


def pose_sample(keypoints: np.ndarray, keypoint_scores: np.ndarray, box: np.ndarray,
                track_id: int = -1) -> PoseDataSample:
    """One pose as MMPose's matching functions read it: keypoints (K, 2), keypoint_scores (K,), box (4+,); OKS
    normalises by the box area."""
    box = np.asarray(box, dtype=np.float32)[:4]
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(
        keypoints=np.asarray(keypoints, dtype=np.float32)[None], keypoint_scores=np.asarray(keypoint_scores)[None],
        bboxes=box[None], areas=np.array([(box[2] - box[0]) * (box[3] - box[1])], dtype=np.float32))
    sample.track_id = track_id
    return sample


def match_pose(pose: PoseDataSample, candidates: list[PoseDataSample], config: TrackingConfig,
               sigmas: np.ndarray | None) -> tuple[int, list[PoseDataSample]]:
    """The ``track_id`` of the candidate ``pose`` continues (-1: none) and the candidates left for the other poses
    of the frame."""
    track_id = -1
    if config.match == 'oks':
        track_id, candidates, _ = _track_by_oks(pose, candidates, config.oks_thr, sigmas)
    if track_id == -1:
        track_id, candidates, _ = _track_by_iou(pose, candidates, config.iou_thr)
    return track_id, candidates


@dataclass
class Track:
    """A remembered person: its id, its last pose and the step (processed frame) it was last seen in."""

    track_id: int
    pose: PoseDataSample
    last_step: int


class PoseTracker:
    """Track ids for the poses of consecutive frames (call it once per processed frame, in order).

    Args:
        config: matching settings.
        sigmas: OKS sigmas (K,) of the dataset (required for OKS matching).
        first_id: the first id given.
        record_births: also record, for the first ``max_missing + 1`` frames, the tracks started and their first
            pose (:meth:`boundary`, for joining the tracks of consecutive parts of a video).
    """

    def __init__(self, config: TrackingConfig = DEFAULT_TRACKING, sigmas: np.ndarray | None = None,
                 first_id: int = 0, record_births: bool = False) -> None:
        if config.match == 'oks' and sigmas is None:
            raise ValueError('OKS tracking needs the OKS sigmas of the dataset (or match="iou")')
        self.config, self.sigmas = config, sigmas
        self.tracks: list[Track] = []
        self.next_id = first_id
        self.step = -1
        self.births: list[dict] | None = [] if record_births else None

    def __call__(self, keypoints: np.ndarray, keypoint_scores: np.ndarray, boxes: np.ndarray,
                 scores: np.ndarray) -> np.ndarray:
        """Track ids (N,) of the poses of the next frame: keypoints (N, K, 2), keypoint_scores (N, K), boxes
        (N, 4+), pose scores (N,)."""
        self.step += 1
        self.tracks = [t for t in self.tracks if self.step - t.last_step - 1 <= self.config.max_missing]
        by_id = {t.track_id: t for t in self.tracks}
        candidates = [t.pose for t in self.tracks]
        ids = np.full(len(scores), -1, dtype=np.int64)
        for i in np.argsort(-np.asarray(scores), kind='stable'):
            pose = pose_sample(keypoints[i], keypoint_scores[i], boxes[i])
            track_id, candidates = match_pose(pose, candidates, self.config, self.sigmas)
            if track_id == -1:
                track_id, self.next_id = self.next_id, self.next_id + 1
                by_id[track_id] = Track(track_id, pose, self.step)
                self.tracks.append(by_id[track_id])
                if self.births is not None and self.step <= self.config.max_missing:
                    self.births.append(dict(track_id=track_id, step=self.step, **_pose_record(pose)))
            pose.track_id = track_id
            by_id[track_id].pose, by_id[track_id].last_step = pose, self.step
            ids[i] = track_id
        return ids

    def boundary(self) -> dict:
        """What joining this part of a video to its neighbours needs (json-ready): ``steps`` processed,
        ``num_tracks`` started (ids 0 .. num_tracks - 1 for a tracker started at id 0), ``births`` (the tracks
        started in the first ``max_missing + 1`` steps, in order, with their first pose) and ``end`` (the tracks
        still remembered, with their last pose and the steps since it)."""
        end = [dict(track_id=t.track_id, missing=self.step - t.last_step, **_pose_record(t.pose))
               for t in self.tracks if self.step - t.last_step <= self.config.max_missing]
        return dict(steps=self.step + 1, num_tracks=self.next_id, births=self.births or [], end=end)


def _pose_record(pose: PoseDataSample) -> dict:
    instances = pose.pred_instances
    return dict(keypoints=instances.keypoints[0].tolist(), keypoint_scores=instances.keypoint_scores[0].tolist(),
                box=instances.bboxes[0].tolist())


def _record_pose(record: dict, track_id: int = -1) -> PoseDataSample:
    return pose_sample(np.asarray(record['keypoints']), np.asarray(record['keypoint_scores']),
                       np.asarray(record['box']), track_id)


def join_track_ids(boundaries: list[dict], config: TrackingConfig, sigmas: np.ndarray | None
                   ) -> list[dict[int, int]]:
    """Video-wide ids for the tracks of consecutive parts of one video, each tracked on its own from id 0
    (:meth:`PoseTracker.boundary` of each part, in order): for each part, {its id: video-wide id}.

    A track started in a part's first ``max_missing + 1`` frames continues a track remembered at the end of the
    parts before (its last pose, missed for fewer than ``max_missing`` frames by then) when it matches it as the
    tracker would have matched it in one pass; other tracks get new ids, in the order they started, after every
    id of the parts before. Within a part, ids stay as its tracker gave them.
    """
    mappings, next_id, remembered = [], 0, []  # remembered: (video-wide id, last pose, steps missed at the end)
    for boundary in boundaries:
        mapping, left = {}, list(remembered)
        for birth in boundary['births']:
            alive = [(gid, pose, missing) for gid, pose, missing in left
                     if missing + birth['step'] <= config.max_missing]
            gid, _ = match_pose(_record_pose(birth), [pose for _, pose, _ in alive], config, sigmas)
            if gid != -1:
                mapping[birth['track_id']] = gid
                left = [entry for entry in left if entry[0] != gid]
        for local in range(boundary['num_tracks']):
            if local not in mapping:
                mapping[local], next_id = next_id, next_id + 1
        mappings.append(mapping)
        steps = boundary['steps']
        remembered = [(mapping[t['track_id']], _record_pose(t, mapping[t['track_id']]), t['missing'])
                      for t in boundary['end']]
        remembered += [(gid, pose, missing + steps) for gid, pose, missing in left
                       if missing + steps <= config.max_missing]
    return mappings


def track_summary(results: list[dict]) -> list[dict]:
    """One entry per track, by id, from COCO keypoint results carrying ``track_id``, ``frame_index`` and
    ``file_name``: its first and last frame (index and name) and the number of frames it was seen in."""
    tracks: dict[int, dict] = {}
    for result in results:
        track = tracks.get(result['track_id'])
        if track is None:
            tracks[result['track_id']] = dict(
                track_id=result['track_id'], first_frame=result['frame_index'], last_frame=result['frame_index'],
                first_name=result['file_name'], last_name=result['file_name'], frames=1)
            continue
        if result['frame_index'] < track['first_frame']:
            track.update(first_frame=result['frame_index'], first_name=result['file_name'])
        if result['frame_index'] > track['last_frame']:
            track.update(last_frame=result['frame_index'], last_name=result['file_name'])
        track['frames'] += 1
    return [tracks[i] for i in sorted(tracks)]
