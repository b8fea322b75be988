"""Helpers shared by the tests and the benchmarks: tiny configs and fabricated packed batches."""
import numpy as np
import torch
from mmengine.structures import InstanceData, PixelData
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
