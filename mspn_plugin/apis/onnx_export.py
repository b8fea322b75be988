"""ONNX export of the inference graph of a top-down pose model: normalised crops in, final heatmaps out."""
import json
from pathlib import Path

import onnx
import torch
import torch.nn as nn
from torch import Tensor


class HeatmapGraph(nn.Module):
    """What a deployed top-down model runs: backbone (+ neck) and the head's test-time heatmaps.

    Uses the head's ``forward_final`` when it has one (MSPN: the last stage's finest predictor only), else
    ``forward`` (e.g. MMPose's ``HeatmapHead``). Shapes: in (B, 3, H, W), normalised like the model's data
    preprocessor; out (B, K, H/4, W/4).
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: Tensor) -> Tensor:
        feats = self.model.extract_feat(inputs)
        head = self.model.head
        return head.forward_final(feats) if hasattr(head, 'forward_final') else head.forward(feats)


def export_heatmap_onnx(model: nn.Module, path: str | Path, input_size: tuple[int, int],
                        dynamic_batch: bool = False) -> Path:
    """Export ``model``'s :class:`HeatmapGraph` at ``input_size`` = (H, W) to ``path``; returns the path.

    The ONNX file's metadata records the input normalisation (``mean``, ``std``, ``bgr_to_rgb``), so that a
    runtime can prepare crops the way the data preprocessor does.
    """
    graph = HeatmapGraph(model).eval()
    height, width = input_size
    example = torch.zeros(2 if dynamic_batch else 1, 3, height, width)
    dynamic_shapes = {'inputs': {0: torch.export.Dim('batch', min=1, max=1024)}} if dynamic_batch else None
    program = torch.onnx.export(graph, (example,), dynamo=True, input_names=['input'], output_names=['heatmaps'],
                                dynamic_shapes=dynamic_shapes, verbose=False)
    proto = program.model_proto
    preprocessor = model.data_preprocessor
    metadata = dict(mean=preprocessor.mean.flatten().tolist(), std=preprocessor.std.flatten().tolist(),
                    bgr_to_rgb=bool(getattr(preprocessor, '_channel_conversion', False)), input_size=[height, width])
    for key, value in metadata.items():
        proto.metadata_props.add(key=key, value=json.dumps(value))
    path = Path(path)
    tmp = path.with_name(path.name + '.tmp')
    onnx.save(proto, str(tmp))
    tmp.replace(path)
    return path
