"""Helpers shared by the tests and the benchmarks: tiny configs and fabricated packed batches."""
from collections.abc import Callable

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


def randomise_weights_(model: torch.nn.Module, seed: int = 0,
                       calibrate: Callable[[torch.nn.Module], object] | None = None) -> torch.nn.Module:
    """Random conv weights and biases, BatchNorm affine parameters and statistics, in place; returns the model
    in eval mode, for equivalence checks with an absolute tolerance.

    Conv weights have variance 1 / fan-in. Purely random BN statistics leave a deep network's output almost
    independent of its input (a comparison would then pass whatever the input path does), so with ``calibrate``
    (a function running a forward pass of the model on realistic input) the statistics are that batch's,
    each then randomly perturbed (variance x 0.5-2, mean shifted by up to half a standard deviation).
    """
    generator = torch.Generator().manual_seed(seed)

    def uniform(like: torch.Tensor, low: float, high: float) -> torch.Tensor:
        return torch.rand(like.shape, generator=generator) * (high - low) + low

    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Conv2d):
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator)
                                    / module.weight[0].numel() ** 0.5)
                if module.bias is not None:
                    module.bias.copy_(uniform(module.bias, -0.5, 0.5))
        for norm in norms:
            norm.weight.copy_(uniform(norm.weight, 0.2, 0.5))
            norm.bias.copy_(uniform(norm.bias, -0.2, 0.2))
            norm.running_mean.copy_(uniform(norm.running_mean, -0.5, 0.5))
            norm.running_var.copy_(uniform(norm.running_var, 0.5, 2.0))
        if calibrate is not None:
            momenta = [norm.momentum for norm in norms]
            for norm in norms:
                norm.reset_running_stats()
                norm.momentum = None  # cumulative average: after one pass, that batch's statistics
            model.train()  # (some OpenMMLab modules' train() returns None)
            calibrate(model)
            for norm, momentum in zip(norms, momenta, strict=True):
                norm.momentum = momentum
                # a floor for nearly constant channels, whose normalisation would amplify float32 rounding
                norm.running_var.add_(0.1 * norm.running_var.mean()).mul_(uniform(norm.running_var, 0.5, 2.0))
                norm.running_mean.add_(uniform(norm.running_mean, -0.5, 0.5) * norm.running_var.sqrt())
    return model.eval()
