"""Coarse-to-fine Gaussian heatmap targets and the MSPN test-time decoding.

Paper: Li et al., "Rethinking on Multi-Stage Networks for Human Pose Estimation", 2019,
https://arxiv.org/abs/1901.00148 (section 3.3 for the targets, section 4.2 "Testing" for the decoding).

Shape legend: N instances, K keypoints, T target kernels, H x W heatmap, h x w network input.
Coordinates are in input pixels; heatmap cell ``(i, j)`` covers input pixels ``[j * sx, (j + 1) * sx)``
horizontally (``sx = w / W``), so its centre decodes to ``(j + 0.5) * sx``.
"""
from collections.abc import Sequence

import cv2
import numpy as np
from mmpose.codecs.base import BaseKeypointCodec
from mmpose.registry import KEYPOINT_CODECS

#: The authors' schedule: every stage but the last is supervised with the coarse kernels, the last stage
#: with kernels one step finer (coarsest scale first).
AUTHORS_KERNELS_EARLY_STAGES = (15, 11, 9, 7)
AUTHORS_KERNELS_LAST_STAGE = (11, 9, 7, 5)
AUTHORS_TARGET_KERNELS = (15, 11, 9, 7, 5)


def authors_kernel_schedule(num_stages: int) -> list[list[int]]:
    """The per-stage, per-scale kernel table used by the MSPN authors for ``num_stages`` stages."""
    return [list(AUTHORS_KERNELS_EARLY_STAGES)] * (num_stages - 1) + [list(AUTHORS_KERNELS_LAST_STAGE)]


def gaussian_profiles(length: int, kernel_size: int) -> np.ndarray:
    """1-D profiles of OpenCV's Gaussian blur of a one-hot vector, one row per hot position, each scaled to a
    maximum of 1: (length, length) float32, row ``i`` is the blurred ``e_i`` (OpenCV's reflect-101 border).

    OpenCV's blur is separable, so the blurred one-hot map at cell (x, y) is ``outer(rows[y], cols[x])``
    up to float rounding: one outer product per keypoint instead of a 2-D blur of a whole map.
    """
    profiles = cv2.GaussianBlur(np.eye(length, dtype=np.float32), (kernel_size, 1), 0)
    return profiles / profiles.max(axis=1, keepdims=True)


def refine_peak(blurred: np.ndarray, shift: float) -> tuple[float, float]:
    """Locate the maximum of one blurred heatmap (H, W) and move it ``shift`` cells toward the second
    highest response. Returns (x, y) in heatmap cells.

    Both responses are searched inside the map (the authors also search a zero border around it, which
    only matters for a maximum on the border whose tail leaves the map).
    """
    flat = blurred.ravel().copy()
    first = int(np.argmax(flat))
    peak_y, peak_x = divmod(first, blurred.shape[1])
    if flat.size < 2:
        return float(peak_x), float(peak_y)
    flat[first] = -np.inf
    second_y, second_x = divmod(int(np.argmax(flat)), blurred.shape[1])
    dx, dy = second_x - peak_x, second_y - peak_y
    norm = np.hypot(dx, dy)
    return peak_x + shift * dx / norm, peak_y + shift * dy / norm


def blur_with_zero_border(heatmaps: np.ndarray, kernel_size: int) -> np.ndarray:
    """OpenCV Gaussian blur of each (H, W) map in ``heatmaps`` (K, H, W), treating outside as zero."""
    pad = kernel_size // 2
    blurred = np.empty_like(heatmaps, dtype=np.float32)
    for k, heatmap in enumerate(heatmaps):
        padded = np.pad(heatmap.astype(np.float32), pad)
        blurred[k] = cv2.GaussianBlur(padded, (kernel_size, kernel_size), 0)[pad:-pad or None,
                                                                               pad:-pad or None]
    return blurred


@KEYPOINT_CODECS.register_module()
class CoarseToFineHeatmap(BaseKeypointCodec):
    """MSPN's heatmap codec: Gaussian targets of several kernel sizes and the paper's decoding.

    MMPose's ``MegviiHeatmap`` renders one kernel per codec and shifts each coordinate by the sign of the
    gradient; here every kernel comes from one codec and the shift goes toward the second maximum, as the paper
    describes.

    One target level is rendered per kernel in ``target_kernels``; the head decides which level
    supervises which (stage, scale) (its ``kernel_schedule``), so the data pipeline stays the same for
    1 to 4 stages and each distinct kernel is rendered once (5 maps per keypoint for the authors'
    schedule, not one per stage and scale).

    Args:
        input_size: network input (w, h); divisible by ``heatmap_stride``.
        target_kernels: odd Gaussian kernel sizes to render (authors: 15, 11, 9, 7, 5).
        heatmap_stride: input pixels per heatmap cell (4 for the 1/4-scale output).
        test_kernel_size: kernel of the post-Gaussian filter applied before decoding (the paper gives no size;
            the authors' code: 5 for COCO, 9 for MPII), independent of the training kernels.
        shift: distance, in heatmap cells, that the maximum moves toward the second maximum (paper: 0.25).
        peak_value: value of a target's peak (both reference implementations use 255).
        score_offset: added to ``heatmap / peak_value`` to form a keypoint score (both references: 0.5).

    Encoded (per instance, N = 1):
        heatmaps: (T * K, H, W) float32, the T levels (in ``target_kernels`` order) stacked along the
            channel axis, because MMPose's packer accepts only 2-D or 3-D fields.
        keypoint_weights: (N, K) 1 for labelled keypoints that fall inside the heatmap.
        visible_keypoint_weights: (N, K) 1 for keypoints flagged visible (COCO flag 2) inside the heatmap.
    """

    label_mapping_table = dict(keypoint_weights='keypoint_weights',
                               visible_keypoint_weights='visible_keypoint_weights')
    field_mapping_table = dict(heatmaps='heatmaps')

    def __init__(self,
                 input_size: tuple[int, int],
                 target_kernels: Sequence[int] = AUTHORS_TARGET_KERNELS,
                 heatmap_stride: int = 4,
                 test_kernel_size: int = 5,
                 shift: float = 0.25,
                 peak_value: float = 255.0,
                 score_offset: float = 0.5) -> None:
        super().__init__()
        target_kernels = [int(k) for k in target_kernels]
        if not target_kernels or len(set(target_kernels)) != len(target_kernels):
            raise ValueError(f'target_kernels must be distinct kernel sizes, got {target_kernels}')
        for size in [*target_kernels, test_kernel_size]:
            if size < 1 or size % 2 == 0:
                raise ValueError(f'Gaussian kernel sizes must be positive and odd, got {size}')
        width, height = input_size
        if width % heatmap_stride or height % heatmap_stride:
            raise ValueError(f'input_size {input_size} is not divisible by heatmap_stride {heatmap_stride}')
        self.input_size = (int(width), int(height))
        self.heatmap_size = (width // heatmap_stride, height // heatmap_stride)
        self.target_kernels = target_kernels
        self.test_kernel_size = test_kernel_size
        self.shift = shift
        self.peak_value = peak_value
        self.score_offset = score_offset
        self.scale_factor = np.array(input_size, dtype=np.float32) / self.heatmap_size
        # (T, W, W) and (T, H, H): computed once, shared by every keypoint (and every stage using a kernel)
        self._col_profiles = np.stack([gaussian_profiles(self.heatmap_size[0], k) for k in target_kernels])
        self._row_profiles = np.stack([gaussian_profiles(self.heatmap_size[1], k) for k in target_kernels])

    def level_of(self, kernel_size: int) -> int:
        """Index of the rendered target level with ``kernel_size``."""
        if kernel_size not in self.target_kernels:
            raise ValueError(f'kernel {kernel_size} is not rendered by the codec; its target_kernels are '
                             f'{self.target_kernels}')
        return self.target_kernels.index(kernel_size)

    def encode(self, keypoints: np.ndarray, keypoints_visible: np.ndarray | None = None) -> dict:
        """Render the coarse-to-fine targets of one instance.

        Args:
            keypoints: (1, K, 2) in input pixels.
            keypoints_visible: (1, K) visibility; values > 0.5 count as labelled and values > 1.5 as
                visible (keep COCO's 0/1/2 flags to tell them apart; MMPose's loaders clip them to 0/1).

        Returns:
            dict with ``heatmaps`` (T * K, H, W), ``keypoint_weights`` (1, K) and
            ``visible_keypoint_weights`` (1, K); see the class docstring.
        """
        num_instances, num_keypoints = keypoints.shape[:2]
        if num_instances != 1:
            raise ValueError(f'{type(self).__name__} encodes one instance at a time, got {num_instances}')
        if keypoints_visible is None:
            keypoints_visible = np.ones((1, num_keypoints), dtype=np.float32)
        width, height = self.heatmap_size
        labelled = (keypoints_visible > 0.5) & np.isfinite(keypoints).all(-1)
        cells = np.floor(np.nan_to_num(keypoints[..., :2]) / self.scale_factor).astype(np.int64)
        inside = (cells[..., 0] >= 0) & (cells[..., 0] < width) & (cells[..., 1] >= 0) & (cells[..., 1] < height)
        weights = (labelled & inside).astype(np.float32)
        cols = self._col_profiles[:, np.clip(cells[0, :, 0], 0, width - 1)]  # (T, K, W)
        rows = self._row_profiles[:, np.clip(cells[0, :, 1], 0, height - 1)] * (self.peak_value * weights[0, :, None])
        heatmaps = rows[..., :, None] * cols[..., None, :]  # (T, K, H, W), zero for weightless keypoints
        visible = weights * (keypoints_visible > 1.5)
        return dict(heatmaps=heatmaps.reshape(-1, height, width), keypoint_weights=weights,
                    visible_keypoint_weights=visible.astype(np.float32))

    def decode(self, encoded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Decode one instance's heatmaps (K, H, W) as in the paper's testing paragraph.

        Post-Gaussian filter (``test_kernel_size``), maximum, ``shift`` cells toward the second maximum,
        score = unfiltered heatmap at the rounded location / ``peak_value`` + ``score_offset``.

        Returns:
            keypoints (1, K, 2) in input pixels and scores (1, K).
        """
        heatmaps = np.asarray(encoded, dtype=np.float32)
        num_keypoints, height, width = heatmaps.shape
        blurred = blur_with_zero_border(heatmaps, self.test_kernel_size)
        keypoints = np.zeros((num_keypoints, 2), dtype=np.float32)
        scores = np.zeros(num_keypoints, dtype=np.float32)
        for k in range(num_keypoints):
            x, y = refine_peak(blurred[k], self.shift)
            x, y = min(max(x, 0.0), width - 1.0), min(max(y, 0.0), height - 1.0)
            keypoints[k] = x, y
            scores[k] = heatmaps[k, int(round(y)), int(round(x))] / self.peak_value + self.score_offset
        keypoints = (keypoints + 0.5) * self.scale_factor
        return keypoints[None], scores[None]
