"""The One-Euro filter: less jitter on a still point, a lag within its stated bounds on a moving one."""
import math

import numpy as np
import pytest

from mspn_plugin.utils.one_euro_filter import OneEuroFilter, smoothing_factor, steady_lag

FPS = 25.0


def filtered(points: np.ndarray, **params) -> np.ndarray:
    """(T, N, 2) points sampled at FPS through one filter."""
    one_euro = OneEuroFilter(**params)
    return np.stack([one_euro(p, t / FPS) for t, p in enumerate(points)])


def jitter(track: np.ndarray) -> float:
    """Mean frame-to-frame displacement."""
    return float(np.linalg.norm(np.diff(track, axis=0), axis=-1).mean())


def test_the_smoothing_factor_is_that_of_an_rc_low_pass():
    # tau = 1 / (2 pi f); alpha = T / (T + tau)
    assert smoothing_factor(1.0, 0.04) == pytest.approx(0.04 / (0.04 + 1 / (2 * math.pi)))


def test_a_still_point_with_noise_jitters_less():
    rng = np.random.default_rng(0)
    still = np.full((200, 17, 2), 100.0) + rng.normal(0, 2.0, (200, 17, 2))
    raw, smooth = jitter(still), jitter(filtered(still))
    print(f'jitter of a still point with 2 px noise: {raw:.2f} px raw, {smooth:.2f} px filtered')
    assert smooth < 0.5 * raw
    # and it stays where the point is
    assert np.abs(filtered(still)[50:].mean(axis=0) - 100.0).max() < 1.0


@pytest.mark.parametrize('speed', [20.0, 100.0, 400.0])
def test_a_moving_point_lags_within_the_documented_bounds(speed):
    min_cutoff, beta = 1.0, 0.05
    times = np.arange(100) / FPS
    moving = np.stack([speed * times, np.zeros_like(times)], axis=-1)[:, None]  # (T, 1, 2), along x
    lag = moving[:, 0, 0] - filtered(moving, min_cutoff=min_cutoff, beta=beta)[:, 0, 0]
    settled = steady_lag(speed, min_cutoff, beta)
    print(f'{speed} px/s: lag {lag[-1]:.2f} px settled, bound {settled:.2f} px, '
          f'{speed / (2 * math.pi * min_cutoff):.2f} px at every frame, {1 / (2 * math.pi * beta):.2f} at any speed')
    assert (lag >= 0).all() and (lag <= speed / (2 * math.pi * min_cutoff) + 1e-9).all()
    assert lag[-1] <= settled + 1e-9 and settled < 1 / (2 * math.pi * beta)
    assert lag[-1] > 0.5 * settled  # the bound is close: the filter is not lag-free


def test_bad_parameters_and_times_are_refused():
    with pytest.raises(ValueError, match='min_cutoff'):
        OneEuroFilter(min_cutoff=0)
    one_euro = OneEuroFilter()
    one_euro(np.zeros((3, 2)), 1.0)
    with pytest.raises(ValueError, match='does not follow'):
        one_euro(np.zeros((3, 2)), 1.0)
    with pytest.raises(ValueError, match='shape'):
        one_euro(np.zeros((4, 2)), 2.0)
