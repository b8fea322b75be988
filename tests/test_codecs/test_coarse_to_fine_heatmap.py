import cv2
import numpy as np
import pytest

from mspn_plugin.codecs import CoarseToFineHeatmap, authors_kernel_schedule


def make_codec(**kwargs) -> CoarseToFineHeatmap:
    return CoarseToFineHeatmap(input_size=(192, 256), **kwargs)


def test_authors_schedule_shrinks_on_last_stage():
    assert authors_kernel_schedule(1) == [[11, 9, 7, 5]]
    assert authors_kernel_schedule(3) == [[15, 11, 9, 7], [15, 11, 9, 7], [11, 9, 7, 5]]


@pytest.mark.parametrize('input_size', [(192, 256), (288, 384), (256, 256)])
def test_heatmap_size_follows_input(input_size):
    codec = CoarseToFineHeatmap(input_size=input_size)
    encoded = codec.encode(np.array([[[40.0, 60.0]]]), np.ones((1, 1)))
    width, height = input_size
    assert encoded['heatmaps'].shape == (5, height // 4, width // 4)


def test_encode_peaks_at_keypoint_cell_for_every_kernel():
    codec = make_codec(target_kernels=(15, 7, 5))
    keypoints = np.array([[[101.0, 62.9], [10.0, 250.0]]])
    encoded = codec.encode(keypoints, np.ones((1, 2)))
    heatmaps = encoded['heatmaps'].reshape(3, 2, 64, 48)
    for level in range(3):
        peak = np.unravel_index(heatmaps[level, 0].argmax(), (64, 48))
        assert peak == (15, 25)  # floor(62.9 / 4), floor(101 / 4)
        assert heatmaps[level, 0].max() == pytest.approx(255.0)
    # a larger kernel spreads wider: more cells above half the peak
    assert (heatmaps[0, 0] > 127).sum() > (heatmaps[2, 0] > 127).sum()


def test_encode_weights_unlabelled_outside_and_visibility_flags():
    codec = make_codec()
    keypoints = np.array([[[50.0, 50.0], [50.0, 50.0], [-3.0, 50.0], [50.0, 300.0], [60.0, 60.0]]])
    flags = np.array([[2.0, 0.0, 2.0, 1.0, 1.0]])
    encoded = codec.encode(keypoints, flags)
    np.testing.assert_array_equal(encoded['keypoint_weights'], [[1, 0, 0, 0, 1]])
    np.testing.assert_array_equal(encoded['visible_keypoint_weights'], [[1, 0, 0, 0, 0]])
    heatmaps = encoded['heatmaps'].reshape(5, 5, 64, 48)
    assert heatmaps[:, 1:4].max() == 0


def test_encode_rejects_several_instances():
    with pytest.raises(ValueError, match='one instance'):
        make_codec().encode(np.zeros((2, 17, 2)), np.ones((2, 17)))


@pytest.mark.parametrize('kwargs', [dict(target_kernels=(15, 8)), dict(test_kernel_size=4),
                                    dict(target_kernels=(5, 5))])
def test_invalid_kernels_are_rejected(kwargs):
    with pytest.raises(ValueError):
        make_codec(**kwargs)


def test_input_size_must_be_divisible_by_stride():
    with pytest.raises(ValueError, match='divisible'):
        CoarseToFineHeatmap(input_size=(190, 256))


def test_level_of_names_the_missing_kernel():
    codec = make_codec(target_kernels=(11, 9))
    assert codec.level_of(9) == 1
    with pytest.raises(ValueError, match='kernel 7'):
        codec.level_of(7)


@pytest.mark.parametrize('kernel', [5, 7, 11, 15])
def test_round_trip_recovers_keypoints_within_a_cell(kernel):
    rng = np.random.default_rng(kernel)
    codec = make_codec(target_kernels=(kernel,))
    # away from the border, where the zero-padded test blur can pull the maximum one cell inward
    keypoints = rng.uniform([32, 32], [160, 224], size=(1, 17, 2))
    heatmaps = codec.encode(keypoints, np.ones((1, 17)))['heatmaps']
    decoded, scores = codec.decode(heatmaps)
    assert decoded.shape == (1, 17, 2) and scores.shape == (1, 17)
    # the decoded point is the cell centre moved a quarter cell: at most (0.5 + 0.25) cells = 3 px away
    assert np.abs(decoded - keypoints).max() <= 3.0 + 1e-4
    np.testing.assert_allclose(scores, 1.5, atol=1e-5)  # 255 / 255 + 0.5


def test_decode_shifts_a_quarter_cell_toward_second_maximum():
    codec = make_codec(test_kernel_size=1)  # kernel 1: the blur leaves the map unchanged
    heatmap = np.zeros((1, 64, 48), dtype=np.float32)
    heatmap[0, 20, 10] = 100.0
    heatmap[0, 20, 11] = 60.0  # second maximum to the right
    keypoints, scores = codec.decode(heatmap)
    np.testing.assert_allclose(keypoints[0, 0], [(10.25 + 0.5) * 4, (20 + 0.5) * 4])
    assert scores[0, 0] == pytest.approx(100.0 / 255 + 0.5)


def test_decode_diagonal_shift_has_unit_length():
    codec = make_codec(test_kernel_size=1, shift=0.5)
    heatmap = np.zeros((1, 64, 48), dtype=np.float32)
    heatmap[0, 30, 30] = 10.0
    heatmap[0, 29, 29] = 5.0
    keypoints, _ = codec.decode(heatmap)
    offset = keypoints[0, 0] / 4 - 0.5 - 30
    np.testing.assert_allclose(offset, [-0.5 / np.sqrt(2)] * 2, atol=1e-6)


def test_decode_blur_uses_test_kernel_not_training_kernels():
    heatmap = np.zeros((1, 64, 48), dtype=np.float32)
    heatmap[0, 10, 10] = 100.0  # a sharp peak
    heatmap[0, 40, 30] = 90.0   # a slightly lower but broad blob wins after a wide blur
    heatmap[0, 39:42, 29:32] = 90.0
    narrow, _ = make_codec(test_kernel_size=1).decode(heatmap)
    wide, _ = make_codec(test_kernel_size=9).decode(heatmap)
    assert narrow[0, 0, 1] < 60 and wide[0, 0, 1] > 140


def test_decode_score_reads_the_unfiltered_map_at_the_rounded_location():
    codec = make_codec(test_kernel_size=5, score_offset=0.0, peak_value=1.0)
    heatmap = np.zeros((1, 64, 48), dtype=np.float32)
    heatmap[0, 5, 6] = 0.8
    _, scores = codec.decode(heatmap)
    assert scores[0, 0] == pytest.approx(0.8)


def test_decode_clamps_to_the_heatmap():
    codec = make_codec(test_kernel_size=1)
    heatmap = np.zeros((1, 64, 48), dtype=np.float32)
    heatmap[0, 0, 0] = 10.0
    heatmap[0, 0, 1] = 1.0
    keypoints, _ = codec.decode(heatmap)
    assert keypoints[0, 0, 1] == pytest.approx(2.0)  # row 0 centre, not pushed outside


def reference_encode(codec: CoarseToFineHeatmap, keypoints: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """One full 2-D OpenCV blur of a one-hot map per keypoint and kernel, peak scaled to 255."""
    width, height = codec.heatmap_size
    cells = np.floor(keypoints[0] / codec.scale_factor).astype(int)
    heatmaps = np.zeros((len(codec.target_kernels), len(cells), height, width), dtype=np.float32)
    for k, (x, y) in enumerate(cells):
        if flags[0, k] > 0.5 and 0 <= x < width and 0 <= y < height:
            for level, kernel in enumerate(codec.target_kernels):
                one_hot = np.zeros((height, width), dtype=np.float32)
                one_hot[y, x] = 1.0
                blurred = cv2.GaussianBlur(one_hot, (kernel, kernel), 0)
                heatmaps[level, k] = blurred * (255.0 / blurred.max())
    return heatmaps.reshape(-1, height, width)


@pytest.mark.parametrize('input_size', [(192, 256), (288, 384), (64, 96)])
def test_separable_targets_equal_full_blurs(input_size):
    codec = CoarseToFineHeatmap(input_size=input_size, target_kernels=(15, 11, 9, 7, 5, 3, 1))
    rng = np.random.default_rng(0)
    width, height = input_size
    keypoints = rng.uniform([-8, -8], [width + 8, height + 8], size=(1, 17, 2))
    keypoints[0, :4] = [[0, 0], [width - 1, height - 1], [0, height - 1], [5, 6]]  # borders: reflected tails
    flags = rng.choice([0.0, 1.0, 2.0], size=(1, 17))
    flags[0, :4] = 2
    expected = reference_encode(codec, keypoints, flags)
    actual = codec.encode(keypoints, flags)['heatmaps']
    assert actual.dtype == np.float32 and actual.shape == expected.shape
    assert expected[:4].max() == pytest.approx(255.0)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-3)
