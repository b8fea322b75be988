"""Random weights and BatchNorm statistics for equivalence checks between two implementations, and a random
person detector."""
from collections.abc import Callable
from pathlib import Path

import torch

from ..utils.registry_scope import registry_scope


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


def save_random_person_detector(config: str, path: Path, seed: int = 0) -> Path:
    """An MMDetection RTMDet (``config``) with seeded random weights saved to ``path`` (no weights can be downloaded
    in the tests). Its classifier bias favours class 0 (person) and its box-distance bias makes boxes a few strides
    wide, so that random boxes pass a person filter and the box checks and flow through the pipeline."""
    from mmdet.apis import init_detector

    torch.manual_seed(seed)
    with registry_scope('mmdet'):  # init_detector would leave its scope current
        model = init_detector(str(config), None, device='cpu')
    with torch.no_grad():
        for cls_conv, reg_conv in zip(model.bbox_head.rtm_cls, model.bbox_head.rtm_reg, strict=True):
            cls_conv.bias[0] += 5.0
            reg_conv.bias += 4.0
    torch.save({'state_dict': model.state_dict()}, path)
    return path
