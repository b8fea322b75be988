"""Score the codec alone: ground-truth keypoints encoded, decoded and evaluated as if predicted."""
import numpy as np
import torch
from mmengine.config import Config
from mmpose.registry import DATASETS, KEYPOINT_CODECS, METRICS, MODELS

from ..utils.registry_scope import enter_config_scope


def codec_round_trip_metrics(cfg: Config, kernel_size: int | None = None) -> dict:
    """Run ``cfg``'s test set (use ground-truth boxes: ``bbox_file=None``) through its test pipeline, render
    each instance's ground truth with the codec (the kernel of the head's final prediction, from its
    ``kernel_schedule``, unless ``kernel_size`` is given), decode it with the paper's decoding and score the
    result with ``cfg``'s test evaluator.

    Returns the evaluator's metrics (e.g. ``coco/AP``).
    """
    enter_config_scope(cfg)
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    codec = KEYPOINT_CODECS.build(cfg.model.head.decoder)
    if kernel_size is None:
        with torch.device('meta'):  # the head's kernel schedule, without the cost of its weights
            kernel_size = MODELS.build(cfg.model.head).kernel_schedule[-1][-1]
    level = codec.level_of(kernel_size)
    metric = METRICS.build(cfg.test_evaluator)
    metric.dataset_meta = dataset.metainfo
    samples = []
    for index in range(len(dataset)):
        item = dataset.prepare_data(index)
        meta = item['data_samples'].metainfo
        gt = item['data_samples'].gt_instances
        visible = np.asarray(gt.keypoints_visible, dtype=np.float32)
        transformed = gt.transformed_keypoints if 'transformed_keypoints' in gt else None
        if transformed is None:
            raise KeyError('the test pipeline must pack transformed_keypoints (PackPoseInputs(pack_transformed=True))')
        heatmaps = codec.encode(transformed[..., :2], visible)['heatmaps']
        num_keypoints = visible.shape[-1]
        heatmaps = heatmaps.reshape(len(codec.target_kernels), num_keypoints, *heatmaps.shape[-2:])[level]
        keypoints, scores = codec.decode(heatmaps)
        input_size = np.asarray(meta['input_size'], dtype=np.float32)
        keypoints = keypoints / input_size * meta['input_scale'] + meta['input_center'] - 0.5 * meta['input_scale']
        samples.append(dict(id=meta['id'], img_id=meta['img_id'], category_id=meta.get('category_id', 1),
                            ori_shape=meta['ori_shape'], raw_ann_info=meta.get('raw_ann_info'),
                            pred_instances=dict(keypoints=keypoints, keypoint_scores=scores,
                                                bbox_scores=np.ones(1, dtype=np.float32)),
                            gt_instances=dict(bbox_scales=gt.bbox_scales)))
    metric.process([], samples)
    return metric.evaluate(len(samples))
