"""Temporal smoothing of tracked keypoints: a One-Euro filter per track (never across tracks).

Shape legend: N poses in a frame, K keypoints.
"""
from dataclasses import dataclass

import numpy as np

from ..utils.one_euro_filter import OneEuroFilter


@dataclass(frozen=True)
class SmoothingConfig:
    """One-Euro parameters (:class:`~mspn_plugin.utils.one_euro_filter.OneEuroFilter`): ``min_cutoff`` (Hz),
    ``beta`` (1/pixel), ``d_cutoff`` (Hz). A keypoint moving at v pixels/s trails by at most
    ``v / (2 pi (min_cutoff + beta v)) < 1 / (2 pi beta)`` pixels once the filter has settled (3.2 px with the
    defaults)."""

    min_cutoff: float = 1.0
    beta: float = 0.05
    d_cutoff: float = 1.0


DEFAULT_SMOOTHING = SmoothingConfig()


class TrackSmoother:
    """One filter per track id, started at the track's first pose and dropped with the track."""

    def __init__(self, config: SmoothingConfig = DEFAULT_SMOOTHING) -> None:
        self.config = config
        self.filters: dict[int, OneEuroFilter] = {}

    def __call__(self, keypoints: np.ndarray, track_ids: np.ndarray, time: float) -> np.ndarray:
        """Smoothed keypoints (N, K, 2) of the tracked keypoints (N, K, 2) seen at ``time`` (seconds)."""
        smoothed = np.empty_like(keypoints)
        for i, track_id in enumerate(track_ids):
            one_euro = self.filters.get(int(track_id))
            if one_euro is None:
                one_euro = self.filters[int(track_id)] = OneEuroFilter(
                    self.config.min_cutoff, self.config.beta, self.config.d_cutoff)
            smoothed[i] = one_euro(keypoints[i], time)
        return smoothed

    def keep_only(self, track_ids: set[int]) -> None:
        """Forget the filters of tracks not in ``track_ids`` (retired: their ids never come back)."""
        self.filters = {i: f for i, f in self.filters.items() if i in track_ids}
