"""Tracked poses drawn one colour per track, with the id printed above each box."""
import numpy as np

from mspn_plugin.visualization import draw_tracked_poses, track_colour


def colour_mask(image: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    return (np.abs(image.astype(int) - colour).max(axis=-1) <= 2)


def test_consecutive_ids_get_distinct_colours_that_stay_the_same():
    colours = [track_colour(i) for i in range(8)]
    assert len(set(colours)) == 8 and track_colour(3) == colours[3]
    # far apart: no two of the first eight closer than 40 in some channel
    assert min(max(abs(a - b) for a, b in zip(c1, c2, strict=True))
               for i, c1 in enumerate(colours) for c2 in colours[i + 1:]) >= 40


def test_each_person_in_its_colour_with_its_id_and_unsure_keypoints_left_out():
    image = np.zeros((120, 200, 3), np.uint8)
    keypoints = np.array([[[30, 40], [30, 90], [60, 90]], [[140, 40], [140, 90], [170, 90]]], np.float32)
    scores = np.array([[0.9, 0.9, 0.9], [0.9, 0.9, 0.1]], np.float32)  # the second person's third keypoint: unsure
    boxes = np.array([[20, 30, 70, 100, 0.9], [130, 30, 180, 100, 0.9]], np.float32)
    drawn = draw_tracked_poses(image, keypoints, scores, boxes, np.array([4, 9]), skeleton=[(0, 1), (1, 2)],
                               kpt_thr=0.3)
    assert not image.any(), 'the input is left untouched'
    first, second = colour_mask(drawn, track_colour(4)), colour_mask(drawn, track_colour(9))
    assert first[60, 30] and first[90, 45] and not first[:, 100:].any()  # limbs of person 4 on the left only
    assert second[60, 140] and not second[:, :100].any()
    assert not second[90, 160], 'a limb to an unsure keypoint is not drawn'
    assert first[:30, 20:70].sum() > 50 and second[:30, 130:180].sum() > 50  # the id labels above the boxes
