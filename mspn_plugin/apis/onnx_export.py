"""ONNX export of the inference graph of a top-down pose model: normalised crops in, final heatmaps out.

``onnx`` (the ``export`` extra, requirements/export.txt) is imported only by the export, so that the inference API
works without it."""
import json
from pathlib import Path

import torch
import torch.nn as nn

from ..models.utils import HeatmapNetwork
from ..utils.files import atomic_path


def export_heatmap_onnx(model: nn.Module, path: str | Path, input_size: tuple[int, int],
                        dynamic_batch: bool = False) -> Path:
    """Export ``model``'s :class:`~mspn_plugin.models.utils.HeatmapNetwork` for inputs of ``input_size``
    (w, h) to ``path``; returns the path.

    Graph: normalised crops (B, 3, h, w) -> final heatmaps (B, K, h/4, w/4); decoding and flip test stay outside,
    as in MMDeploy's top-down pipelines. The file's metadata records the input normalisation (``mean``, ``std``,
    ``bgr_to_rgb``) and ``input_size`` (w, h), so that a runtime can prepare crops as the data preprocessor does.
    """
    try:
        import onnx
    except ImportError as error:
        raise ImportError(f'the ONNX export needs the export extra: pip install "mspn_plugin[export]" ({error})') \
            from error
    graph = HeatmapNetwork.of(model).eval()
    width, height = input_size
    example = torch.zeros(2 if dynamic_batch else 1, 3, height, width)
    dynamic_shapes = {'inputs': {0: torch.export.Dim('batch', min=1, max=1024)}} if dynamic_batch else None
    program = torch.onnx.export(graph, (example,), dynamo=True, input_names=['input'], output_names=['heatmaps'],
                                dynamic_shapes=dynamic_shapes, verbose=False)
    proto = program.model_proto
    preprocessor = model.data_preprocessor
    metadata = dict(mean=preprocessor.mean.flatten().tolist(), std=preprocessor.std.flatten().tolist(),
                    bgr_to_rgb=bool(getattr(preprocessor, '_channel_conversion', False)), input_size=[width, height])
    for key, value in metadata.items():
        proto.metadata_props.add(key=key, value=json.dumps(value))
    path = Path(path)
    with atomic_path(str(path)) as tmp:
        onnx.save(proto, tmp)
    return path
