"""Smoothing per track: each track's keypoints through its own One-Euro filter, never another's."""
import numpy as np

from mspn_plugin.apis.keypoint_smoothing import SmoothingConfig, TrackSmoother
from mspn_plugin.utils.one_euro_filter import OneEuroFilter


def test_each_track_has_its_own_filter_and_a_new_track_starts_fresh():
    rng = np.random.default_rng(0)
    smoother = TrackSmoother(SmoothingConfig(min_cutoff=0.5, beta=0.0))
    alone = OneEuroFilter(min_cutoff=0.5, beta=0.0)
    for frame in range(10):
        a, b = rng.normal(100, 5, (17, 2)), rng.normal(400, 5, (17, 2))
        # the order of the poses in a frame changes; track 7 appears at frame 5
        ids, keypoints = (np.array([1, 2]), np.stack([a, b])) if frame % 2 else (np.array([2, 1]), np.stack([b, a]))
        if frame >= 5:
            ids, keypoints = np.append(ids, 7), np.concatenate([keypoints, [a + 1000]])
        out = smoother(keypoints, ids, frame / 25)
        np.testing.assert_allclose(out[list(ids).index(1)], alone(a, frame / 25))  # track 1 as filtered alone
        if frame == 5:
            np.testing.assert_array_equal(out[2], a + 1000)  # a new track starts at its own keypoints
    smoother.keep_only({2, 7})
    assert set(smoother.filters) == {2, 7}
