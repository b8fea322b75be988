"""The One-Euro filter of Casiez, Roussel and Vogel, "1€ Filter: A Simple Speed-based Low-pass Filter for Noisy
Input in Interactive Systems" (CHI 2012), over arrays of 2-D points.

Each point is smoothed by a first-order low-pass filter whose cut-off frequency rises with the point's speed:
``f_c = min_cutoff + beta * |v|``, with ``|v|`` the point's speed (its own low-pass estimate, cut-off
``d_cutoff``). A still point is smoothed hard (little jitter); a moving one lightly (little lag).

Lag bound (exact for the discrete filter): a point moving at a constant speed ``v`` (units per second) from the
first sample on is trailed by at most ``v / (2 pi min_cutoff)`` at every sample, and, once the speed estimate has
settled, by at most ``v / (2 pi (min_cutoff + beta v))``, which is below ``1 / (2 pi beta)`` whatever the speed
(:func:`steady_lag`; the filter's speed estimate, taken against its own lagging output, is at least ``v``).
Units: positions in pixels, times in seconds, so ``beta`` is in 1/pixel.
"""
import math

import numpy as np


def smoothing_factor(cutoff: np.ndarray | float, interval: float) -> np.ndarray | float:
    """The weight of a new sample in a first-order low-pass filter with cut-off ``cutoff`` (Hz) sampled every
    ``interval`` seconds: ``1 / (1 + tau / interval)``, ``tau = 1 / (2 pi cutoff)``."""
    tau = 1.0 / (2 * math.pi * np.asarray(cutoff, dtype=np.float64))
    return 1.0 / (1.0 + tau / interval)


def steady_lag(speed: float, min_cutoff: float, beta: float) -> float:
    """The most the filter trails a point moving at constant ``speed`` once its speed estimate has settled:
    ``speed / (2 pi (min_cutoff + beta speed))`` (the unit of ``speed`` x seconds)."""
    return speed / (2 * math.pi * (min_cutoff + beta * speed))


class OneEuroFilter:
    """One-Euro filter over an array of points (N, 2), one filter state per point, the speed of a point being
    the norm of its 2-D velocity.

    Args:
        min_cutoff: cut-off frequency (Hz) for a still point; lower: less jitter, more lag.
        beta: growth of the cut-off with speed (1/pixel); higher: less lag when moving.
        d_cutoff: cut-off frequency (Hz) of the speed estimate.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.05, d_cutoff: float = 1.0) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError(f'One-Euro filter: min_cutoff ({min_cutoff}) and d_cutoff ({d_cutoff}) must be > 0, '
                             f'beta ({beta}) >= 0')
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.position: np.ndarray | None = None  # (N, 2), the last filtered positions
        self.velocity: np.ndarray | None = None  # (N, 2), the filtered velocities
        self.time = 0.0

    def __call__(self, points: np.ndarray, time: float) -> np.ndarray:
        """The filtered positions (N, 2) of ``points`` (N, 2) sampled at ``time`` (seconds, increasing); the first
        call returns ``points`` unchanged."""
        points = np.asarray(points, dtype=np.float64)
        if self.position is None:
            self.position, self.velocity, self.time = points.copy(), np.zeros_like(points), time
            return points.copy()
        if points.shape != self.position.shape:
            raise ValueError(f'One-Euro filter: points of shape {points.shape} after {self.position.shape}')
        interval = time - self.time
        if interval <= 0:
            raise ValueError(f'One-Euro filter: time {time} does not follow {self.time}')
        raw_velocity = (points - self.position) / interval
        self.velocity += smoothing_factor(self.d_cutoff, interval) * (raw_velocity - self.velocity)
        cutoff = self.min_cutoff + self.beta * np.linalg.norm(self.velocity, axis=-1, keepdims=True)
        self.position = self.position + smoothing_factor(cutoff, interval) * (points - self.position)
        self.time = time
        return self.position.copy()
