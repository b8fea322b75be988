"""Multiply-add and parameter counts of a top-down pose model built from a config."""
from dataclasses import dataclass

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer
from mmengine.config import Config
from mmpose.registry import MODELS

from .heatmap_network import HeatmapNetwork


@dataclass
class Complexity:
    """GMACs of the training forward (every predictor) and of the inference path at ``input_size`` (w, h),
    parameters in M."""

    input_size: tuple[int, int]
    train_gmacs: float
    inference_gmacs: float
    params_m: float


def _gmacs(module: nn.Module, x: torch.Tensor) -> float:
    analyzer = FlopAnalyzer(module, (x,))
    analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return analyzer.total() / 1e9  # fvcore-style counting: one multiply-add = one "flop"


def model_complexity(cfg: Config, input_size: tuple[int, int] | None = None) -> Complexity:
    """Count the model of ``cfg`` at ``input_size`` (w, h; default: the codec's input size).

    The training forward runs the head's ``forward`` (every stage and scale), the inference path only the final
    predictor (both :class:`HeatmapNetwork`).
    """
    model = MODELS.build(cfg.model).eval()
    width, height = input_size or tuple(cfg.model.head.decoder.input_size)
    x = torch.zeros(1, 3, height, width)
    with torch.no_grad():
        train = _gmacs(HeatmapNetwork.of(model, final_only=False), x)
        inference = _gmacs(HeatmapNetwork.of(model), x)
    params = sum(p.numel() for p in model.parameters()) / 1e6
    return Complexity((width, height), train, inference, params)
