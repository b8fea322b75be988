import numpy as np
import pytest

from mspn_plugin.datasets.transforms import RandomBoxExtension, UniformScaleRotation, UpperLowerBodyCrop

UPPER = list(range(0, 11))
LOWER = list(range(11, 17))


def person(labelled: int = 17) -> dict:
    rng = np.random.default_rng(0)
    keypoints = np.zeros((1, 17, 2), dtype=np.float32)
    keypoints[0, :11] = rng.uniform([40, 10], [60, 50], size=(11, 2))   # upper body high in the image
    keypoints[0, 11:] = rng.uniform([40, 60], [60, 100], size=(6, 2))   # lower body below
    visible = np.zeros((1, 17), dtype=np.float32)
    visible[0, :labelled] = 2.0
    return dict(keypoints=keypoints, keypoints_visible=visible, upper_body_ids=UPPER, lower_body_ids=LOWER,
                bbox_center=np.array([[50.0, 55.0]], np.float32), bbox_scale=np.array([[40.0, 110.0]], np.float32))


def test_upper_and_lower_body_are_equally_likely():
    np.random.seed(0)
    crop = UpperLowerBodyCrop(prob=1.0)
    upper = sum(crop(person())['bbox_center'][0, 1] < 55 for _ in range(4000))
    assert abs(upper / 4000 - 0.5) < 0.03


def test_the_upper_body_probability_can_be_the_authors():
    np.random.seed(0)
    crop = UpperLowerBodyCrop(prob=1.0, upper_prob=0.69)
    upper = sum(crop(person())['bbox_center'][0, 1] < 55 for _ in range(4000))
    assert abs(upper / 4000 - 0.69) < 0.03


def test_joints_outside_the_image_do_not_stretch_the_body_box():
    np.random.seed(1)
    results = dict(person(), img_shape=(120, 100))
    results['keypoints'][0, 0] = (5000, -300)  # an upper-body joint annotated far outside the image
    crop = UpperLowerBodyCrop(prob=1.0, upper_prob=1.0, extension=(0.0, 0.0))(results)
    assert (crop['bbox_scale'][0] < [30, 50]).all()


def test_crop_box_encloses_the_chosen_part():
    np.random.seed(1)
    results = UpperLowerBodyCrop(prob=1.0, extension=(0.0, 0.0))(person())
    center, scale = results['bbox_center'][0], results['bbox_scale'][0]
    points = results['keypoints'][0, UPPER if center[1] < 55 else LOWER]
    np.testing.assert_allclose(center - scale / 2, points.min(0), atol=1e-4)
    np.testing.assert_allclose(center + scale / 2, points.max(0), atol=1e-4)


def test_extension_enlarges_the_tight_box_within_its_range():
    np.random.seed(2)
    tight = UpperLowerBodyCrop(prob=1.0, extension=(0.0, 0.0))
    loose = UpperLowerBodyCrop(prob=1.0, extension=(0.6, 0.8))
    for _ in range(50):
        state = np.random.get_state()
        small = tight(person())['bbox_scale'][0]
        np.random.set_state(state)
        large = loose(person())['bbox_scale'][0]
        assert np.all(large >= small - 1e-5) and np.all(large <= small * [1.6, 1.8] + 1e-4)


@pytest.mark.parametrize('labelled', [8, 5])
def test_instances_with_eight_or_fewer_joints_are_left_alone(labelled):
    results = UpperLowerBodyCrop(prob=1.0)(person(labelled))
    np.testing.assert_array_equal(results['bbox_center'], [[50.0, 55.0]])


def test_a_part_with_too_few_joints_falls_back_to_the_other():
    np.random.seed(3)
    sample = person()
    sample['keypoints_visible'][0, 11:16] = 0  # one lower-body joint left
    for _ in range(20):
        assert UpperLowerBodyCrop(prob=1.0)(dict(sample))['bbox_center'][0, 1] < 55


def authors_half_body_part(labelled: np.ndarray, upper_ids: list[int], upper_first: bool) -> list[int] | None:
    """The joints the authors' JointsDataset.half_body_transform crops to (rewritten from their code): every
    labelled joint not in the upper body is lower; the upper body when drawn first and it has more than 3 joints,
    else the lower body when it has more than 3, else the upper body; nothing under 3 joints."""
    upper = [k for k in range(len(labelled)) if labelled[k] and k in upper_ids]
    lower = [k for k in range(len(labelled)) if labelled[k] and k not in upper_ids]
    if upper_first and len(upper) > 3:
        selected = upper
    else:
        selected = lower if len(lower) > 3 else upper
    return None if len(selected) < 3 else selected


@pytest.mark.parametrize('upper_first', [True, False])
def test_the_part_is_chosen_as_the_authors_choose_it(upper_first):
    """Over random sets of labelled joints, the box is the one around the joints the authors' code selects, with
    their COCO split given as ids (hips in the upper body) and MMPose's in the results."""
    rng = np.random.default_rng(4)
    upper_ids, lower_ids = list(range(13)), [13, 14, 15, 16]
    crop = UpperLowerBodyCrop(min_keypoints=3, prob=1.0, upper_prob=float(upper_first), part_keypoints=3,
                              extension=(0.0, 0.0), upper_body_ids=upper_ids, lower_body_ids=lower_ids)
    cases = set()
    for _ in range(400):
        sample = person()
        sample['keypoints'][0] = rng.uniform(0, 100, size=(17, 2))
        labelled = rng.random(17) < rng.uniform(0.1, 1.0)
        sample['keypoints_visible'][0] = labelled * 2.0
        if labelled.sum() <= 3:
            continue
        expected = authors_half_body_part(labelled, upper_ids, upper_first)
        result = crop(sample)
        if expected is None:
            np.testing.assert_array_equal(result['bbox_center'], [[50.0, 55.0]])
        else:
            points = sample['keypoints'][0, expected]
            np.testing.assert_allclose(result['bbox_center'][0], (points.min(0) + points.max(0)) / 2, atol=1e-4)
        cases.add('none' if expected is None else 'upper' if expected[0] < 13 else 'lower')
    assert cases == {'upper', 'lower', 'none'}  # every branch was exercised


def test_without_ids_the_dataset_split_is_used():
    np.random.seed(5)
    results = UpperLowerBodyCrop(prob=1.0, upper_prob=1.0, extension=(0.0, 0.0))(person())
    points = person()['keypoints'][0, UPPER]  # MMPose's COCO upper body: no hips
    np.testing.assert_allclose(results['bbox_center'][0], (points.min(0) + points.max(0)) / 2, atol=1e-4)
    with pytest.raises(ValueError, match='both'):
        UpperLowerBodyCrop(upper_body_ids=[0, 1])


def test_probability_zero_never_crops():
    results = UpperLowerBodyCrop(prob=0.0)(person())
    np.testing.assert_array_equal(results['bbox_scale'], [[40.0, 110.0]])


def test_scale_and_rotation_are_uniform_in_their_ranges():
    np.random.seed(0)
    transform = UniformScaleRotation(scale_range=(0.7, 1.35), max_rotation=45.0, rotate_prob=0.5)
    scales, angles = [], []
    for _ in range(4000):
        results = transform(dict(bbox_scale=np.array([[100.0, 100.0]], np.float32)))
        scales.append(results['bbox_scale'][0, 0] / 100)
        angles.append(results['bbox_rotation'][0])
    scales, angles = np.array(scales), np.array(angles)
    assert 0.7 <= scales.min() < 0.72 and 1.33 < scales.max() <= 1.35
    assert abs(np.mean(scales < (0.7 + 1.35) / 2) - 0.5) < 0.03  # uniform, not centred like a normal
    rotated = angles[angles != 0]
    assert abs(len(rotated) / 4000 - 0.5) < 0.03
    assert -45 <= rotated.min() < -43 and 43 < rotated.max() <= 45
    assert abs(np.mean(np.abs(rotated) > 22.5) - 0.5) < 0.04


def test_invalid_scale_range():
    with pytest.raises(ValueError):
        UniformScaleRotation(scale_range=(1.2, 0.8))


def test_box_extension_is_uniform_in_its_range_per_axis():
    np.random.seed(3)
    extend = RandomBoxExtension(max_extension=(0.6, 0.8))
    factors = np.array([extend(dict(bbox_scale=np.array([[10.0, 20.0]], np.float32)))['bbox_scale'][0] / [10, 20]
                        for _ in range(4000)])
    assert (factors >= 1).all() and (factors[:, 0] <= 1.6).all() and (factors[:, 1] <= 1.8).all()
    np.testing.assert_allclose(factors.mean(0), [1.3, 1.4], atol=0.02)
    assert abs(np.corrcoef(factors.T)[0, 1]) < 0.05  # independent draws for width and height
    with pytest.raises(ValueError, match='max_extension'):
        RandomBoxExtension(max_extension=(0.6, -0.1))
