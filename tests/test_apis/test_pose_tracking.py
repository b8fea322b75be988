"""Pose tracking on the synthetic crossing scene, driven by its ground-truth poses with noise (no network): ids
kept through misses shorter than the retention, new ids after longer ones, never reused; parts of a video tracked
apart and joined give the ids of one pass."""
import itertools
from collections import defaultdict
from pathlib import Path

import mmpose
import numpy as np
import pytest
from mmpose.datasets.datasets.utils import parse_pose_metainfo

from helpers.paths import SAMPLES
from mspn_plugin.apis.pose_tracking import PoseTracker, TrackingConfig, join_track_ids
from mspn_plugin.testing.synthetic_video import crossing_scene

COCO_METAINFO = Path(mmpose.__file__).parent / '.mim/configs/_base_/datasets/coco.py'
SIGMAS = parse_pose_metainfo(dict(from_file=str(COCO_METAINFO)))['sigmas']
MAX_MISSING = 5  # the scene's short miss (3 frames) and the leaver's exit (4) are shorter, the long miss (8) longer


@pytest.fixture(scope='module')
def scene():
    return crossing_scene(SAMPLES)


def frame_poses(scene, t: int, rng: np.random.Generator) -> tuple[list, tuple]:
    """The people detected in frame t and their poses with 2 px noise (pose scores differ by person)."""
    people = scene.detected(t)
    poses = [scene.pose(p, t, noise=2.0, rng=rng) for p in people]
    boxes = np.array([np.append(scene.detection_box(p, t), 0.9) for p in people]).reshape(-1, 5)
    scores = np.array([0.9 - 0.1 * scene.people.index(p) for p in people])
    keypoints = np.array([k for k, _ in poses]).reshape(len(people), -1, 2)
    keypoint_scores = np.array([s for _, s in poses]).reshape(len(people), -1)
    return people, (keypoints, keypoint_scores, boxes, scores)


def track(scene, trackers: list[tuple[range, PoseTracker]]) -> dict[str, dict[int, int]]:
    """{person: {frame: track id}}, each range of frames tracked by its tracker (noise seeded per frame)."""
    ids = defaultdict(dict)
    for frames, tracker in trackers:
        for t in frames:
            people, poses = frame_poses(scene, t, np.random.default_rng(t))
            for person, track_id in zip(people, tracker(*poses), strict=True):
                ids[person.name][t] = int(track_id)
    return ids


def switches(ids: dict[int, int]) -> int:
    sequence = [ids[t] for t in sorted(ids)]
    return sum(a != b for a, b in itertools.pairwise(sequence))


@pytest.mark.parametrize('match', ['oks', 'iou'])
def test_ids_follow_the_people_of_the_crossing_scene(scene, match):
    config = TrackingConfig(match=match, max_missing=MAX_MISSING)
    ids = track(scene, [(range(scene.num_frames), PoseTracker(config, SIGMAS))])
    still = ids['still']
    long_miss = sorted(set(range(scene.num_frames)) - set(still))[-1]  # the last frame of the 8-frame miss
    before, after = ([still[t] for t in still if t < long_miss], [still[t] for t in still if t > long_miss])
    assert len(set(before)) == 1, 'the 3-frame miss (shorter than the retention) must keep the id'
    assert len(set(after)) == 1 and after[0] != before[0], 'the 8-frame miss must end with a new id'
    assert switches(ids['leaver']) == 0, 'leaving the frame for 4 frames must keep the id'
    crossing = switches(ids['left']) + switches(ids['right'])
    print(f'{match}: {crossing} id switch(es) in the crossing pair')
    assert crossing == 0
    # ids are never reused: each (person, stretch) has its own id
    stretches = {('still', 0): before[0], ('still', 1): after[0], 'leaver': ids['leaver'][0],
                 'left': ids['left'][0], 'right': ids['right'][0]}
    assert len(set(stretches.values())) == len(stretches)
    assert after[0] == max(stretches.values())  # the newest id, started last


@pytest.mark.parametrize('missed, same_id', [(MAX_MISSING, True), (MAX_MISSING + 1, False)])
def test_the_retention_is_exact(missed, same_id):
    tracker = PoseTracker(TrackingConfig(max_missing=MAX_MISSING), SIGMAS)
    pose = (np.tile([[50.0, 60.0]], (1, 17, 1)) + np.arange(17)[None, :, None], np.full((1, 17), 0.9),
            np.array([[30, 40, 90, 160, 0.9]]), np.array([0.9]))
    empty = (np.zeros((0, 17, 2)), np.zeros((0, 17)), np.zeros((0, 5)), np.zeros(0))
    first = tracker(*pose)[0]
    for _ in range(missed):
        assert len(tracker(*empty)) == 0
    assert (tracker(*pose)[0] == first) == same_id
    assert tracker.next_id == (1 if same_id else 2)


def test_oks_matching_needs_sigmas():
    with pytest.raises(ValueError, match='sigmas'):
        PoseTracker(TrackingConfig(match='oks'), None)


@pytest.mark.parametrize('cuts', [(24,), (10, 33), (31,), (3, 6, 40)])
def test_parts_tracked_apart_and_joined_give_the_ids_of_one_pass(scene, cuts):
    """Cuts inside the short miss (10), the long miss (31, 33), the leaver's exit (24) and parts shorter than the
    retention (3, 6)."""
    config = TrackingConfig(max_missing=MAX_MISSING)
    whole = track(scene, [(range(scene.num_frames), PoseTracker(config, SIGMAS))])
    edges = [0, *cuts, scene.num_frames]
    parts = [(range(a, b), PoseTracker(config, SIGMAS, record_births=True)) for a, b in itertools.pairwise(edges)]
    local = track(scene, parts)
    mappings = join_track_ids([tracker.boundary() for _, tracker in parts], config, SIGMAS)
    part_of = {t: i for i, (frames, _) in enumerate(parts) for t in frames}
    joined = {name: {t: mappings[part_of[t]][i] for t, i in frames.items()} for name, frames in local.items()}
    assert joined == whole
