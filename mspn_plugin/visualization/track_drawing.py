"""Tracked poses drawn one colour per person: skeleton, box and the track id printed above the box.

Shape legend: N people, K keypoints; boxes (N, 4+) are x1, y1, x2, y2 in image pixels.
"""
import colorsys

import cv2
import numpy as np

GOLDEN_RATIO_CONJUGATE = 0.618033988749895  # consecutive ids get hues far apart


def track_colour(track_id: int) -> tuple[int, int, int]:
    """A bright BGR colour for ``track_id``, the same on every frame."""
    red, green, blue = colorsys.hsv_to_rgb((track_id * GOLDEN_RATIO_CONJUGATE) % 1.0, 0.85, 0.95)
    return round(blue * 255), round(green * 255), round(red * 255)


def draw_tracked_poses(image: np.ndarray, keypoints: np.ndarray, keypoint_scores: np.ndarray, boxes: np.ndarray,
                       track_ids: np.ndarray, skeleton: list[tuple[int, int]], kpt_thr: float = 0.3,
                       line_width: int = 2, radius: int = 3) -> np.ndarray:
    """A copy of ``image`` (BGR) with each person's box, limbs (``skeleton`` pairs of keypoint indices, both ends
    scored above ``kpt_thr``) and keypoints in its track's colour, and ``id N`` printed above its box."""
    drawn = image.copy()
    font, scale = cv2.FONT_HERSHEY_SIMPLEX, 0.5
    for points, scores, box, track_id in zip(keypoints, keypoint_scores, boxes, track_ids, strict=True):
        colour = track_colour(int(track_id))
        shown = scores > kpt_thr
        for i, j in skeleton:
            if shown[i] and shown[j]:
                cv2.line(drawn, _pixel(points[i]), _pixel(points[j]), colour, line_width, cv2.LINE_AA)
        for point in points[shown]:
            cv2.circle(drawn, _pixel(point), radius, colour, -1, cv2.LINE_AA)
        x1, y1, x2, y2 = (int(round(v)) for v in box[:4])
        cv2.rectangle(drawn, (x1, y1), (x2, y2), colour, line_width)
        label = f'id {int(track_id)}'
        (width, height), baseline = cv2.getTextSize(label, font, scale, 1)
        top = max(y1 - height - baseline - 2, 0)
        cv2.rectangle(drawn, (x1, top), (x1 + width + 4, top + height + baseline + 2), colour, -1)
        cv2.putText(drawn, label, (x1 + 2, top + height + 1), font, scale, (0, 0, 0), 1, cv2.LINE_AA)
    return drawn


def _pixel(point: np.ndarray) -> tuple[int, int]:
    return int(round(float(point[0]))), int(round(float(point[1])))
