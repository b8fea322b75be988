"""Top-down inference: person boxes (an MMDetection detector or a detections file) in, poses out.

Shape legend: N people in an image, K keypoints; boxes are (N, 5) rows of x1, y1, x2, y2, score in image pixels.
"""
import os.path as osp
import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpose.apis import inference_topdown, init_model
from mmpose.evaluation.functional import oks_nms
from mmpose.structures import PoseDataSample

from ..checkpoint import is_url, load_checked_checkpoint


class PersonDetector:
    """Person boxes from an MMDetection 3.x detector (its own NMS), filtered by class and score; the checkpoint is a
    path or a URL (downloaded once). Called on an image (H, W, 3) and its name, returns boxes (N, 5)."""

    def __init__(self, config: str, checkpoint: str, device: str = 'cpu', score_thr: float = 0.3,
                 category_id: int = 0, cfg_options: dict | None = None) -> None:
        from mmdet.apis import init_detector
        from mmdet.utils import register_all_modules

        if not (is_url(checkpoint) or osp.isfile(checkpoint)):
            raise FileNotFoundError(f'detector checkpoint {checkpoint} does not exist')
        register_all_modules(init_default_scope=False)
        with DefaultScope.overwrite_default_scope('mmdet'):
            self.model = init_detector(config, checkpoint, device=device, cfg_options=cfg_options)
        self.score_thr = score_thr
        self.category_id = category_id

    def __call__(self, image: np.ndarray, name: str) -> np.ndarray:
        from mmdet.apis import inference_detector

        # the detector's pipeline is built from MMDetection's registries, whatever scope the caller is in
        with DefaultScope.overwrite_default_scope('mmdet'):
            preds = inference_detector(self.model, image).pred_instances.cpu().numpy()
        keep = (preds.labels == self.category_id) & (preds.scores >= self.score_thr)
        return np.concatenate([preds.bboxes[keep], preds.scores[keep, None]], axis=1).astype(np.float32)


@dataclass
class ImagePoses:
    """Poses found in one image: keypoints (N, K, 2) and keypoint_scores (N, K) in image pixels, boxes (N, 5),
    pose scores (N,) = box score x mean keypoint score, and MMPose data samples (for drawing)."""

    keypoints: np.ndarray
    keypoint_scores: np.ndarray
    boxes: np.ndarray
    scores: np.ndarray
    data_samples: list[PoseDataSample] = field(default_factory=list, repr=False)

    def __len__(self) -> int:
        return len(self.scores)

    def to_coco_results(self, **image_ref) -> list[dict]:
        """COCO keypoint results (x, y, score triples; bbox as x, y, w, h), tagged with ``image_ref``."""
        results = []
        for kpts, kpt_scores, box, score in zip(self.keypoints, self.keypoint_scores, self.boxes, self.scores,
                                                strict=True):
            triples = np.concatenate([kpts, kpt_scores[:, None]], axis=1)
            x1, y1, x2, y2 = (float(v) for v in box[:4])
            results.append(dict(image_ref, category_id=1, keypoints=triples.ravel().tolist(), score=float(score),
                                bbox=[x1, y1, x2 - x1, y2 - y1]))
        return results


class PosePredictor:
    """An MSPN (or any MMPose top-down) model from a config and a checkpoint, applied to the person boxes of an
    image (all boxes in one batch, through MMPose's ``inference_topdown``), with the paper's pose rescoring and
    ``CocoMetric``'s OKS-NMS.

    Args:
        config: pose config file.
        checkpoint: pose checkpoint (a path, or an ``http(s)://`` URL downloaded once); required (a model with random
            weights is never used silently) and must fit the model exactly (:class:`CheckpointMismatchError`
            otherwise).
        device: ``'cpu'``, ``'cuda:0'``, ...; default: the GPU when there is one.
        flip: flip test (averaging with the mirrored image's heatmaps).
        oks_nms_thr: OKS-NMS threshold over an image's poses, as MMPose's ``CocoMetric`` does; None: off;
            ``'config'``: as the config's ``test_evaluator`` (``nms_mode='oks_nms'`` and its ``nms_thr``), so that
            predictions score as ``tools/test.py`` scores them.
        keypoint_score_thr: keypoints averaged into the pose score (``CocoMetric``'s rescoring rule).
    """

    def __init__(self, config: str, checkpoint: str, device: str | None = None, flip: bool = True,
                 oks_nms_thr: float | None | Literal['config'] = 'config', keypoint_score_thr: float = 0.2) -> None:
        if not (is_url(checkpoint) or osp.isfile(checkpoint)):
            raise FileNotFoundError(f'pose checkpoint {checkpoint} does not exist')
        self.device = device or ('cuda:0' if torch.cuda.is_available() else 'cpu')
        with DefaultScope.overwrite_default_scope('mmpose'):
            self.model = init_model(config, None, device=self.device, cfg_options={'model.test_cfg.flip_test': flip})
            meta = load_checked_checkpoint(self.model, checkpoint).get('meta', {})
        self.model.dataset_meta = meta.get('dataset_meta', self.model.dataset_meta)
        self.oks_nms_thr = evaluator_oks_nms_thr(self.model.cfg) if oks_nms_thr == 'config' else oks_nms_thr
        self.keypoint_score_thr = keypoint_score_thr
        self.sigmas = self.model.dataset_meta.get('sigmas')

    def __call__(self, image: np.ndarray, boxes: np.ndarray) -> ImagePoses:
        """Poses for ``image`` (BGR, H x W x 3) in the given ``boxes`` (N, 5)."""
        num_keypoints = self.model.dataset_meta['num_keypoints']
        if len(boxes) == 0:  # (inference_topdown would take the whole image as one box)
            return ImagePoses(np.zeros((0, num_keypoints, 2), np.float32), np.zeros((0, num_keypoints), np.float32),
                              np.zeros((0, 5), np.float32), np.zeros(0, np.float32))
        with DefaultScope.overwrite_default_scope('mmpose'):
            samples = inference_topdown(self.model, image, boxes[:, :4])
        keypoints = np.concatenate([s.pred_instances.keypoints for s in samples]).astype(np.float32)
        keypoint_scores = np.concatenate([s.pred_instances.keypoint_scores for s in samples]).astype(np.float32)
        counted = keypoint_scores > self.keypoint_score_thr
        mean_scores = (keypoint_scores * counted).sum(1) / np.maximum(counted.sum(1), 1)
        scores = boxes[:, 4] * mean_scores
        keep = np.arange(len(boxes))
        if self.oks_nms_thr is not None and len(boxes) > 1:
            areas = [float(np.prod(s.gt_instances.bbox_scales[0])) for s in samples]
            pose_db = [dict(keypoints=np.concatenate([k, s[:, None]], axis=1), score=float(p), area=a)
                       for k, s, p, a in zip(keypoints, keypoint_scores, scores, areas, strict=True)]
            keep = np.asarray(sorted(oks_nms(pose_db, self.oks_nms_thr, self.sigmas)), dtype=np.int64)
        return ImagePoses(keypoints[keep], keypoint_scores[keep], boxes[keep], scores[keep],
                          [samples[i] for i in keep])


def evaluator_oks_nms_thr(cfg: Config) -> float | None:
    """The OKS-NMS threshold of ``cfg``'s ``test_evaluator`` (a ``CocoMetric`` with ``nms_mode='oks_nms'``), else
    None."""
    evaluator = cfg.get('test_evaluator')
    if isinstance(evaluator, dict) and evaluator.get('nms_mode', 'oks_nms') == 'oks_nms' and 'Coco' in str(
            evaluator.get('type', '')):
        return float(evaluator.get('nms_thr', 0.9))
    return None


def __getattr__(name: str):
    if name == 'TopdownPoseEstimation':  # the name of PosePredictor before 0.2
        warnings.warn('TopdownPoseEstimation is renamed PosePredictor', DeprecationWarning, stacklevel=2)
        return PosePredictor
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
