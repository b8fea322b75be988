"""A synthetic video with known identities: people cut out of annotated COCO images and moved along known paths
over a plain background, for the tracking tests and the video benchmark.

The default scene (:func:`crossing_scene`) has four people: ``still`` stands on the left and is missed by the
detector for a few frames, then for many; ``right`` and ``left`` walk towards each other and cross (``right`` is
drawn in front); ``leaver`` walks out of the frame on the right and comes back. Every person carries its ground
truth per frame: its box and its annotated keypoints moved with it.

Shape legend: T frames, K keypoints; boxes are x1, y1, x2, y2 in frame pixels.
"""
import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np


@dataclass
class Walker:
    """One person of the scene: an image patch with its keypoints (K, 2) and labels (K,) in patch pixels, its
    patch's top-left corner in every frame (T, 2), and the frames in which the detector misses it."""

    name: str
    patch: np.ndarray
    keypoints: np.ndarray
    labelled: np.ndarray
    corners: np.ndarray
    missed: set[int] = field(default_factory=set)

    def box(self, t: int) -> np.ndarray:
        x, y = self.corners[t]
        height, width = self.patch.shape[:2]
        return np.array([x, y, x + width, y + height], dtype=np.float32)


@dataclass
class SyntheticScene:
    """People moving over a background: frames, and the detections and poses a perfect detector would give."""

    background: np.ndarray
    people: list[Walker]

    @property
    def num_frames(self) -> int:
        return len(self.people[0].corners)

    def frame(self, t: int) -> np.ndarray:
        """Frame ``t`` (BGR); people later in the list are drawn in front."""
        image = self.background.copy()
        height, width = image.shape[:2]
        for person in self.people:
            x1, y1, x2, y2 = np.round(person.box(t)).astype(int)
            cx1, cy1, cx2, cy2 = max(x1, 0), max(y1, 0), min(x2, width), min(y2, height)
            if cx1 < cx2 and cy1 < cy2:
                image[cy1:cy2, cx1:cx2] = person.patch[cy1 - y1:cy2 - y1, cx1 - x1:cx2 - x1]
        return image

    def visible(self, person: Walker, t: int) -> bool:
        """Whether ``person`` is at least half inside frame ``t``."""
        x1, _, x2, _ = person.box(t)
        width = self.background.shape[1]
        return min(x2, width) - max(x1, 0) >= (x2 - x1) / 2

    def detected(self, t: int) -> list[Walker]:
        """The people a detector finds in frame ``t``: at least half inside it and not missed."""
        return [p for p in self.people if self.visible(p, t) and t not in p.missed]

    def detection_box(self, person: Walker, t: int) -> np.ndarray:
        """``person``'s box in frame ``t``, clipped to the frame."""
        height, width = self.background.shape[:2]
        return np.clip(person.box(t), 0, [width, height, width, height])

    def pose(self, person: Walker, t: int, noise: float = 0.0, rng: np.random.Generator | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
        """``person``'s keypoints (K, 2) in frame ``t`` (with Gaussian ``noise`` in pixels) and their scores (K,):
        0.9 for annotated keypoints, 0.1 for the others, which sit at the box centre."""
        x1, y1, x2, y2 = person.box(t)
        keypoints = np.where(person.labelled[:, None], person.keypoints + [x1, y1], [(x1 + x2) / 2, (y1 + y2) / 2])
        if noise:
            keypoints = keypoints + (rng or np.random.default_rng()).normal(0, noise, keypoints.shape)
        return keypoints.astype(np.float32), np.where(person.labelled, 0.9, 0.1).astype(np.float32)

    def write_video(self, path: Path, fps: float = 10.0) -> Path:
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), fps, self.background.shape[1::-1])
        for t in range(self.num_frames):
            writer.write(self.frame(t))
        writer.release()
        return path

    def detections(self, stem: str, score: float = 0.9) -> list[dict]:
        """COCO-results detections of every frame, matched by frame name (``{stem}_{t:06d}``)."""
        return [dict(file_name=f'{stem}_{t:06d}', category_id=1, score=score,
                     bbox=[float(x1), float(y1), float(x2 - x1), float(y2 - y1)])
                for t in range(self.num_frames) for person in self.detected(t)
                for x1, y1, x2, y2 in [self.detection_box(person, t)]]


def cut_out(samples: Path, annotation_id: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The annotated person ``annotation_id`` of the COCO sample set in ``samples`` (``test_coco.json`` and its
    images), its box scaled to ``height`` pixels: (patch, keypoints (K, 2) in patch pixels, labelled (K,))."""
    coco = json.loads((samples / 'test_coco.json').read_text())
    annotation = next(a for a in coco['annotations'] if a['id'] == annotation_id)
    file_name = next(i['file_name'] for i in coco['images'] if i['id'] == annotation['image_id'])
    image = cv2.imread(str(samples / file_name))
    x, y, w, h = annotation['bbox']
    scale = height / h
    x1, y1 = int(x), int(y)
    patch = cv2.resize(image[y1:int(y + h), x1:int(x + w)], (round(w * scale), height),
                       interpolation=cv2.INTER_AREA)
    triples = np.asarray(annotation['keypoints'], dtype=np.float64).reshape(-1, 3)
    return patch, (triples[:, :2] - [x1, y1]) * scale, triples[:, 2] > 0


def crossing_scene(samples: Path, frames: int = 48, size: tuple[int, int] = (640, 360), height: int = 160
                   ) -> SyntheticScene:
    """The default scene (see the module docstring), ``frames`` long, ``size`` (w, h), people ``height`` pixels
    tall. ``still`` is missed for 3 frames from frame T/5 and for 8 frames from 5T/8; ``leaver`` is less than half
    inside the frame for the 4 middle frames."""
    width, frame_height = size
    shade = np.linspace(40, 200, frame_height)[:, None] + np.linspace(0, 30, width)[None, :]
    background = np.repeat(shade[:, :, None], 3, axis=2).astype(np.uint8)
    top = (frame_height - height) / 2
    people = []
    for name, annotation_id in (('still', 488308), ('left', 437295), ('right', 460541), ('leaver', 442619)):
        patch, keypoints, labelled = cut_out(samples, annotation_id, height)
        people.append(Walker(name, patch, keypoints, labelled, np.zeros((frames, 2))))
    still, left, right, leaver = people
    still.corners = np.linspace((0.015 * width, top - 10), (0.04 * width, top), frames)
    still.missed = set(range(frames // 5, frames // 5 + 3)) | set(range(5 * frames // 8, 5 * frames // 8 + 8))
    # the crossing pair meets in the middle of the video, in the middle of the frame
    right.corners = np.linspace((0.17 * width, top), (0.575 * width, top), frames)
    left.corners = np.linspace((0.575 * width, top + 10), (0.17 * width, top + 10), frames)
    # the leaver walks out on the right and back at constant speed; less than half inside while fewer than 2
    # frames from the middle
    from_middle = np.abs(np.arange(frames) - (frames - 1) / 2)
    half_out = width - leaver.patch.shape[1] / 2
    leaver.corners = np.stack([half_out - (from_middle - 2) * 0.005 * width, np.full(frames, top + 5)], axis=1)
    return SyntheticScene(background, people)
