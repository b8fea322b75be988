"""Top-down inference: person boxes (an MMDetection detector or a detections file) in, poses out.

Shape legend: N people in an image, K keypoints; boxes are (N, 5) rows of x1, y1, x2, y2, score in image pixels.
"""
import os.path as osp
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch
from mmpose.apis import inference_topdown, init_model
from mmpose.evaluation.functional import nms, oks_nms
from mmpose.structures import PoseDataSample

from ..checkpoint import is_url, load_checked_checkpoint
from ..utils.errors import InputError
from ..utils.registry_scope import registry_scope

# de-duplication defaults: the box IoU threshold of MMPose's inferencer (Pose2DInferencer's nms_thr) and the OKS
# threshold of MMPose's CocoMetric (nms_thr)
BOX_NMS_THR = 0.3
OKS_NMS_THR = 0.9


class PersonDetector:
    """Person boxes from an MMDetection 3.x detector (its own NMS), filtered by class and score; the checkpoint is a
    path or a URL (downloaded once). Called on an image (H, W, 3) and its name, returns boxes (N, 5)."""

    def __init__(self, config: str, checkpoint: str, device: str = 'cpu', score_thr: float = 0.3,
                 category_id: int = 0, cfg_options: dict | None = None) -> None:
        from mmdet.apis import init_detector

        if not (is_url(checkpoint) or osp.isfile(checkpoint)):
            raise FileNotFoundError(f'detector checkpoint {checkpoint} does not exist')
        with registry_scope('mmdet'):
            self.model = init_detector(config, checkpoint, device=device, cfg_options=cfg_options)
        self.score_thr = score_thr
        self.category_id = category_id

    def __call__(self, image: np.ndarray, name: str) -> np.ndarray:
        from mmdet.apis import inference_detector

        # the detector's pipeline is built from MMDetection's registries, whatever scope the caller is in
        with registry_scope('mmdet'):
            preds = inference_detector(self.model, image).pred_instances.cpu().numpy()
        keep = (preds.labels == self.category_id) & (preds.scores >= self.score_thr)
        return np.concatenate([preds.bboxes[keep], preds.scores[keep, None]], axis=1).astype(np.float32)


@dataclass
class ImagePoses:
    """Poses found in one image: keypoints (N, K, 2) and keypoint_scores (N, K) in image pixels, boxes (N, 5),
    pose scores (N,) = box score x mean keypoint score, and MMPose data samples (for drawing). In a video,
    ``track_ids`` (N,) name the people (:class:`~.pose_tracking.PoseTracker`) and, when the keypoints are smoothed,
    ``raw_keypoints`` (N, K, 2) keeps the network's."""

    keypoints: np.ndarray
    keypoint_scores: np.ndarray
    boxes: np.ndarray
    scores: np.ndarray
    data_samples: list[PoseDataSample] = field(default_factory=list, repr=False)
    track_ids: np.ndarray | None = None
    raw_keypoints: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.scores)

    def stage_heatmaps(self) -> dict[str, np.ndarray]:
        """Each person's heatmaps, from a :class:`PosePredictor` made with ``stage_heatmaps=True``: ``heatmaps``
        (N, S, K, H, W) float32, every stage's finest scale (flip-averaged under flip test; the last stage is the
        one decoded), with what maps heatmap cells to image pixels: ``input_center`` (N, 2), ``input_scale``
        (N, 2) and ``input_size`` (2,) (MMPose's crop: input pixel ``p`` is image pixel ``p / input_size *
        input_scale + input_center - input_scale / 2``, and heatmap cell ``c`` covers input pixels
        ``[c, c + 1) * input_size / (W, H)``), ``keypoints`` (N, K, 2) and ``boxes`` (N, 5)."""
        if any('heatmaps' not in sample.get('pred_fields', {}) for sample in self.data_samples):
            raise ValueError('these poses carry no heatmaps: make the PosePredictor with stage_heatmaps=True')
        num_keypoints = self.keypoints.shape[1]
        maps = []
        for sample in self.data_samples:
            fields = sample.pred_fields
            stages = fields.stage_heatmaps if 'stage_heatmaps' in fields else fields.heatmaps
            maps.append(stages.detach().float().cpu().numpy().reshape(-1, num_keypoints, *stages.shape[-2:]))
        meta = [sample.metainfo for sample in self.data_samples]
        return dict(heatmaps=np.stack(maps) if maps else np.zeros((0, 0, num_keypoints, 0, 0), np.float32),
                    input_center=np.array([m['input_center'] for m in meta], np.float32).reshape(-1, 2),
                    input_scale=np.array([m['input_scale'] for m in meta], np.float32).reshape(-1, 2),
                    input_size=np.array(meta[0]['input_size'] if meta else (0, 0), np.int64),
                    keypoints=self.keypoints, boxes=self.boxes)

    def to_coco_results(self, **image_ref) -> list[dict]:
        """COCO keypoint results (x, y, score triples; bbox as x, y, w, h), tagged with ``image_ref``; with
        ``track_id`` and ``raw_keypoints`` (triples) when known."""
        results = []
        for i, (kpts, kpt_scores, box, score) in enumerate(zip(self.keypoints, self.keypoint_scores, self.boxes,
                                                               self.scores, strict=True)):
            x1, y1, x2, y2 = (float(v) for v in box[:4])
            result = dict(image_ref, category_id=1, keypoints=_triples(kpts, kpt_scores), score=float(score),
                          bbox=[x1, y1, x2 - x1, y2 - y1])
            if self.track_ids is not None:
                result['track_id'] = int(self.track_ids[i])
            if self.raw_keypoints is not None:
                result['raw_keypoints'] = _triples(self.raw_keypoints[i], kpt_scores)
            results.append(result)
        return results


def _triples(keypoints: np.ndarray, scores: np.ndarray) -> list[float]:
    return np.concatenate([keypoints, scores[:, None]], axis=1).ravel().tolist()


class PosePredictor:
    """An MSPN (or any MMPose top-down) model from a config and a checkpoint, applied to the person boxes of an
    image (all boxes in one batch, through MMPose's ``inference_topdown``), with the paper's pose rescoring.

    Duplicate detections of one person are removed by default, as a person looking at the result wants (one pose
    per person): box NMS before the pose model, as MMPose's inferencer does, and OKS-NMS after it, as MMPose's
    ``CocoMetric(nms_mode='oks_nms')`` does. The paper's evaluation setting (``tools/test.py``) keeps every box:
    ``box_nms_thr=None, oks_nms_thr=None`` gives the same poses.

    Args:
        config: pose config file.
        checkpoint: pose checkpoint (a path, or an ``http(s)://`` URL downloaded once); required (a model with random
            weights is never used silently) and must fit the model exactly (:class:`CheckpointMismatchError`
            otherwise).
        device: ``'cpu'``, ``'cuda:0'``, ...; default: the GPU when there is one.
        flip: flip test (averaging with the mirrored image's heatmaps).
        box_nms_thr: IoU above which the lower-scored of two boxes is dropped (MMPose's ``nms``); None: off.
        oks_nms_thr: OKS above which the lower-scored of two poses is dropped (MMPose's ``oks_nms``, with the
            OKS sigmas of the model's dataset metainfo); None: off.
        keypoint_score_thr: keypoints averaged into the pose score (``CocoMetric``'s rescoring rule).
        stage_heatmaps: also keep each person's heatmaps, every stage's (:meth:`ImagePoses.stage_heatmaps`; one
            stage for a head that predicts one).
    """

    def __init__(self, config: str, checkpoint: str, device: str | None = None, flip: bool = True,
                 box_nms_thr: float | None = BOX_NMS_THR, oks_nms_thr: float | None = OKS_NMS_THR,
                 keypoint_score_thr: float = 0.2, stage_heatmaps: bool = False) -> None:
        if not (is_url(checkpoint) or osp.isfile(checkpoint)):
            raise FileNotFoundError(f'pose checkpoint {checkpoint} does not exist')
        self.config = config
        self.device = device or ('cuda:0' if torch.cuda.is_available() else 'cpu')
        self.stage_heatmaps = stage_heatmaps
        test_cfg = {'flip_test': flip}
        if stage_heatmaps:  # (MMPose's heads know only output_heatmaps: the final heatmaps)
            test_cfg.update(output_heatmaps=True, output_stage_heatmaps=True)
        with registry_scope():
            self.model = init_model(config, None, device=self.device,
                                    cfg_options={f'model.test_cfg.{k}': v for k, v in test_cfg.items()})
            meta = load_checked_checkpoint(self.model, checkpoint).get('meta', {})
        self.model.dataset_meta = meta.get('dataset_meta', self.model.dataset_meta)
        self.box_nms_thr, self.oks_nms_thr = box_nms_thr, oks_nms_thr
        self.keypoint_score_thr = keypoint_score_thr
        self.sigmas = self.model.dataset_meta.get('sigmas')
        if oks_nms_thr is not None:
            self.checked_sigmas('OKS-NMS (switch it off: oks_nms_thr=None, --no-oks-nms)')

    def checked_sigmas(self, use: str) -> np.ndarray:
        """The OKS sigmas (K,) of the model's dataset metainfo; :class:`InputError` naming the config and ``use``
        when it has none."""
        if self.sigmas is None:
            raise InputError(f'{self.config}: the dataset metainfo gives no OKS sigmas, which {use} needs')
        return self.sigmas

    def __call__(self, image: np.ndarray, boxes: np.ndarray) -> ImagePoses:
        """Poses for ``image`` (BGR, H x W x 3) in the given ``boxes`` (N, 5)."""
        num_keypoints = self.model.dataset_meta['num_keypoints']
        if len(boxes) == 0:  # (inference_topdown would take the whole image as one box)
            return ImagePoses(np.zeros((0, num_keypoints, 2), np.float32), np.zeros((0, num_keypoints), np.float32),
                              np.zeros((0, 5), np.float32), np.zeros(0, np.float32))
        if self.box_nms_thr is not None and len(boxes) > 1:
            boxes = boxes[sorted(nms(boxes, self.box_nms_thr))]
        with registry_scope():
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


def __getattr__(name: str):
    if name == 'TopdownPoseEstimation':  # the name of PosePredictor before 0.2
        warnings.warn('TopdownPoseEstimation is renamed PosePredictor', DeprecationWarning, stacklevel=2)
        return PosePredictor
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
