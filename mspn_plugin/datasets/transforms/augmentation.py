"""MSPN's training augmentation (paper section 4.2 and the authors' dataset/JointsDataset.py) where MMPose's
transforms differ from it: uniform draws, an unbiased (or chosen) upper/lower body choice, a random box extension.

Paper: "instances with more than eight joints will be cropped to upper or lower bodies with equal possibility.
The rotation range is -45..45 degrees, and scaling range is 0.7..1.35." Defaults follow the paper where it speaks;
the configs set what the authors' code ran where the two differ (see configs/_base_/data/).
"""
from collections.abc import Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class UpperLowerBodyCrop(BaseTransform):
    """Re-centre the box on the upper or the lower body, the upper body tried first with a set probability.

    Differs from MMPose's ``RandomHalfBody`` (upper body preferred with probability 0.7, joints counted by
    summing visibility values, fixed 1.5 padding): the choice has a probability of its own (unbiased by
    default), joints count when labelled, a part must have more than ``part_keypoints`` labelled joints as in the
    authors' ``half_body_transform``, the body split can be given (the authors' COCO split differs from MMPose's
    metainfo), and the tight box around the chosen joints is enlarged by random factors as in the authors' code.

    Args:
        min_keypoints: only instances with more than this many labelled joints are cropped (paper: 8; authors'
            COCO code: 3).
        prob: probability of cropping an eligible instance (paper: open; authors' code: 0.3 COCO, 0.5 MPII).
        upper_prob: probability of trying the upper body first (paper: 1/2; the authors' code draws
            ``np.random.randn() < 0.5``, which is 0.69).
        part_keypoints: the part tried first is used when it has more than this many labelled joints, else the
            other part when it has; when neither has, the upper body is used if it has exactly this many, and the
            box is left alone otherwise (the authors' code, with 3).
        extension: (x, y) maximum relative enlargement of the tight box; each factor is uniform in
            ``[1, 1 + extension]`` (authors' code: 0.6, 0.8).
        upper_body_ids: joints of the upper body; None: the dataset's metainfo (``upper_body_ids`` in the results).
            The authors' COCO split puts the hips in the upper body (ids 0-12), MMPose's COCO metainfo does not.
        lower_body_ids: joints of the lower body; None: the dataset's metainfo (authors' COCO: 13-16, every
            joint not in their upper body).

    Reads ``keypoints`` (1, K, 2), ``keypoints_visible`` (1, K), ``img_shape`` (joints outside the image do not
    count) and, unless given, ``upper_body_ids`` and ``lower_body_ids``; modifies ``bbox_center`` (1, 2) and
    ``bbox_scale`` (1, 2).
    """

    def __init__(self, min_keypoints: int = 8, prob: float = 0.3, upper_prob: float = 0.5, part_keypoints: int = 3,
                 extension: Sequence[float] = (0.6, 0.8), upper_body_ids: Sequence[int] | None = None,
                 lower_body_ids: Sequence[int] | None = None) -> None:
        super().__init__()
        if (upper_body_ids is None) != (lower_body_ids is None):
            raise ValueError('give both upper_body_ids and lower_body_ids, or neither (the dataset\'s metainfo)')
        self.min_keypoints = min_keypoints
        self.prob = prob
        self.upper_prob = upper_prob
        self.part_keypoints = part_keypoints
        self.extension = np.asarray(extension, dtype=np.float32)
        self.upper_body_ids = None if upper_body_ids is None else np.asarray(upper_body_ids, dtype=np.int64)
        self.lower_body_ids = None if lower_body_ids is None else np.asarray(lower_body_ids, dtype=np.int64)

    @cache_randomness
    def _draw(self) -> tuple[bool, bool, np.ndarray]:
        return np.random.rand() < self.prob, np.random.rand() < self.upper_prob, np.random.rand(2).astype(np.float32)

    def _chosen_joints(self, upper: np.ndarray, lower: np.ndarray, upper_first: bool) -> np.ndarray | None:
        """The labelled joint ids of the part to crop to (see ``part_keypoints``), or None."""
        for part in ((upper, lower) if upper_first else (lower, upper)):
            if len(part) > self.part_keypoints:
                return part
        return upper if len(upper) == self.part_keypoints else None

    def transform(self, results: dict) -> dict:
        labelled = results['keypoints_visible'][0] > 0
        if 'img_shape' in results:  # a joint annotated outside the image would stretch the body box to it
            height, width = results['img_shape'][:2]
            x, y = results['keypoints'][0, :, 0], results['keypoints'][0, :, 1]
            labelled &= (x >= 0) & (x < width) & (y >= 0) & (y < height)
        if labelled.sum() <= self.min_keypoints:
            return results
        apply, upper_first, stretch = self._draw()
        if not apply:
            return results
        upper, lower = (np.asarray(results[key]) if ids is None else ids
                        for key, ids in (('upper_body_ids', self.upper_body_ids),
                                         ('lower_body_ids', self.lower_body_ids)))
        ids = self._chosen_joints(upper[labelled[upper]], lower[labelled[lower]], upper_first)
        if ids is not None:
            points = results['keypoints'][0, ids, :2]
            low, high = points.min(axis=0), points.max(axis=0)
            results['bbox_center'] = ((low + high) / 2)[None].astype(np.float32)
            results['bbox_scale'] = ((high - low) * (1 + stretch * self.extension))[None].astype(np.float32)
        return results


@TRANSFORMS.register_module()
class UniformScaleRotation(BaseTransform):
    """Scale the box by a uniform factor and rotate it by a uniform angle.

    Differs from MMPose's ``RandomBBoxTransform``, which draws from truncated normals and also shifts.

    Args:
        scale_range: the box scale is multiplied by a factor uniform in this range (paper: 0.7-1.35).
        scale_prob: probability of scaling (paper: open; authors' code: 1.0).
        max_rotation: the angle is uniform in [-max_rotation, max_rotation] degrees (paper: 45).
        rotate_prob: probability of rotating (paper: open; authors' code: 0.5).

    Reads and modifies ``bbox_scale`` (N, 2); adds ``bbox_rotation`` (N,), read by ``TopdownAffine``.
    """

    def __init__(self, scale_range: Sequence[float] = (0.7, 1.35), scale_prob: float = 1.0,
                 max_rotation: float = 45.0, rotate_prob: float = 0.5) -> None:
        super().__init__()
        low, high = scale_range
        if not 0 < low <= high:
            raise ValueError(f'scale_range must be 0 < low <= high, got {scale_range}')
        self.scale_range = (float(low), float(high))
        self.scale_prob = scale_prob
        self.max_rotation = max_rotation
        self.rotate_prob = rotate_prob

    @cache_randomness
    def _draw(self, num: int) -> tuple[np.ndarray, np.ndarray]:
        scale = np.where(np.random.rand(num) < self.scale_prob, np.random.uniform(*self.scale_range, num), 1.0)
        rotate = np.where(np.random.rand(num) < self.rotate_prob,
                          np.random.uniform(-self.max_rotation, self.max_rotation, num), 0.0)
        return scale.astype(np.float32), rotate.astype(np.float32)

    def transform(self, results: dict) -> dict:
        scale, rotate = self._draw(len(results['bbox_scale']))
        results['bbox_scale'] = results['bbox_scale'] * scale[:, None]
        results['bbox_rotation'] = rotate
        return results


@TRANSFORMS.register_module()
class RandomBoxExtension(BaseTransform):
    """Enlarge the box by independent uniform factors in width and height, as the authors' training loader does
    (``TRAIN.RANDOM_EXTENTION``: width x U(1, 1 + 0.6), height x U(1, 1 + 0.8) on COCO), before the aspect
    ratio is fitted by ``TopdownAffine``. MMPose's ``RandomBBoxTransform`` scales both axes by one factor.

    Args:
        max_extension: (x, y) maximum relative enlargement; each factor is uniform in ``[1, 1 + max_extension]``.

    Reads and modifies ``bbox_scale`` (N, 2).
    """

    def __init__(self, max_extension: Sequence[float] = (0.6, 0.8)) -> None:
        super().__init__()
        self.max_extension = np.asarray(max_extension, dtype=np.float32)
        if self.max_extension.shape != (2,) or (self.max_extension < 0).any():
            raise ValueError(f'max_extension must be two non-negative numbers (x, y), got {max_extension}')

    @cache_randomness
    def _draw(self, num: int) -> np.ndarray:
        return 1 + np.random.rand(num, 2).astype(np.float32) * self.max_extension

    def transform(self, results: dict) -> dict:
        results['bbox_scale'] = results['bbox_scale'] * self._draw(len(results['bbox_scale']))
        return results
