"""Export a pose model's inference graph (normalised crops -> final heatmaps) to ONNX."""
import argparse
import sys

import numpy as np
import torch
from mmpose.apis import init_model

from mspn_plugin.apis import export_heatmap_onnx
from mspn_plugin.checkpoint import load_checked_checkpoint
from mspn_plugin.models.utils import HeatmapNetwork


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('out', help='the .onnx file to write')
    parser.add_argument('--input-size', type=int, nargs=2, metavar=('W', 'H'),
                        help='input width and height (default: the codec input size of the config)')
    parser.add_argument('--dynamic-batch', action='store_true', help='export with a variable batch size')
    parser.add_argument('--check', action='store_true', help='compare onnxruntime with PyTorch on random input')
    return parser.parse_args(argv)


def max_abs_difference(model: torch.nn.Module, onnx_path: str, inputs: torch.Tensor) -> float:
    """Largest |onnxruntime - PyTorch| over the heatmaps of ``inputs``."""
    import onnxruntime

    session = onnxruntime.InferenceSession(onnx_path, providers=['CPUExecutionProvider'])
    (ours,) = session.run(None, {'input': inputs.numpy()})
    with torch.no_grad():
        expected = HeatmapNetwork.of(model).eval()(inputs).numpy()
    return float(np.abs(ours - expected).max())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    model = init_model(args.config, None, device='cpu')
    load_checked_checkpoint(model, args.checkpoint)
    input_size = tuple(args.input_size or model.head.decoder.input_size)
    try:
        path = export_heatmap_onnx(model, args.out, input_size, dynamic_batch=args.dynamic_batch)
    except Exception as error:  # the exporter's own errors are long; say which model and size failed
        sys.exit(f'error: cannot export {args.config} at {input_size}: {type(error).__name__}: {error}')
    width, height = input_size
    print(f'wrote {path} (input 1x3x{height}x{width}'
          f'{", dynamic batch" if args.dynamic_batch else ""})')
    if args.check:
        batch = 2 if args.dynamic_batch else 1
        diff = max_abs_difference(model, str(path), torch.randn(batch, 3, height, width))
        print(f'onnxruntime vs PyTorch: max abs difference {diff:.3g}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
