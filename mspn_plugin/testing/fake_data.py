"""Fabricated inputs as MMPose's data pipeline packs them: random crops, keypoints with COCO flags and targets.

Shared by the tests and ``tools/benchmark.py``; nothing in the package's production code imports this.
"""
import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.structures import InstanceData, PixelData
from mmpose.registry import TRANSFORMS
from mmpose.structures import PoseDataSample

from ..codecs import CoarseToFineHeatmap

COCO_FLIP_INDICES = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


def make_pose_data_samples(codec: CoarseToFineHeatmap, batch_size: int, num_keypoints: int = 17,
                           seed: int = 0, flip_indices: list[int] | None = None) -> list[PoseDataSample]:
    """Data samples as MMPose's ``PackPoseInputs`` builds them, with targets encoded by ``codec`` from
    random keypoints (COCO-style flags: 2 visible, 1 occluded, 0 unlabelled)."""
    rng = np.random.default_rng(seed)
    width, height = codec.input_size
    if flip_indices is None:
        flip_indices = COCO_FLIP_INDICES if num_keypoints == 17 else list(range(num_keypoints))
    samples = []
    for _ in range(batch_size):
        keypoints = rng.uniform([0, 0], [width, height], size=(1, num_keypoints, 2)).astype(np.float32)
        flags = rng.choice([0.0, 1.0, 2.0], p=[0.2, 0.2, 0.6], size=(1, num_keypoints)).astype(np.float32)
        encoded = codec.encode(keypoints, flags)
        sample = PoseDataSample(metainfo=dict(
            input_size=codec.input_size, input_center=np.array([width / 2, height / 2]),
            input_scale=np.array([width, height], dtype=np.float32), flip_indices=flip_indices))
        sample.gt_instances = InstanceData(keypoints=keypoints, keypoints_visible=flags)
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.from_numpy(encoded['keypoint_weights']),
            visible_keypoint_weights=torch.from_numpy(encoded['visible_keypoint_weights']))
        sample.gt_fields = PixelData(heatmaps=torch.from_numpy(encoded['heatmaps']))
        samples.append(sample)
    return samples


def make_batch(codecs: dict | list[dict] | None, batch_size: int, input_size: tuple[int, int], seed: int = 0
               ) -> dict:
    """A collated batch as a data loader gives it: random images and, when ``codecs`` is given, targets from
    random keypoints (COCO flags 0/1/2) through MMPose's ``GenerateTarget`` (several codecs: multilevel)."""
    rng = np.random.default_rng(seed)
    width, height = input_size
    steps = [] if codecs is None else [
        TRANSFORMS.build(dict(type='GenerateTarget', encoder=codecs, multilevel=isinstance(codecs, list)))]
    steps.append(TRANSFORMS.build(dict(type='PackPoseInputs')))
    samples = []
    for i in range(batch_size):
        results = dict(
            id=i, img=rng.integers(0, 256, (height, width, 3), dtype=np.uint8), img_shape=(height, width),
            input_size=input_size, input_center=np.array([width / 2, height / 2], dtype=np.float32),
            input_scale=np.array([width, height], dtype=np.float32), flip_indices=COCO_FLIP_INDICES,
            bbox=np.array([[0, 0, width, height]], dtype=np.float32), bbox_score=np.ones(1, dtype=np.float32),
            keypoints=rng.uniform([0, 0], [width, height], (1, 17, 2)).astype(np.float32),
            keypoints_visible=rng.choice([0.0, 1.0, 2.0], p=[0.2, 0.2, 0.6], size=(1, 17)).astype(np.float32))
        for step in steps:
            results = step(results)
        samples.append(results)
    return pseudo_collate(samples)
