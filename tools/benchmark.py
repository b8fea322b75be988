"""Time our MSPN against MMPose's MSPN (same architecture and weights): inference, training, data pipeline.

Prints Markdown tables and writes the JSON results; see docs/performance.md for the fields.
"""
import argparse
import json
from pathlib import Path

import torch
from mmengine.config import Config

import mspn_plugin  # noqa: F401  (registers the components)
from mspn_plugin.apis.benchmark import BenchmarkOptions, format_table, run_benchmark

ROOT = Path(__file__).resolve().parents[1]
EPILOG = '''examples:
  python tools/benchmark.py --out work_dirs/benchmark.json                 # everything (about 15 min, 2 cores)
  python tools/benchmark.py --sections inference --stages 2 --batch-sizes 32 --flip on
  python tools/benchmark.py --stages 1 --batch-sizes 1 --train-stages 1 --train-batch-size 2 \\
      --input-size 64 64 --reps 1 --pipeline-passes 1 --out /tmp/tiny.json                # seconds
'''


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sections', nargs='+', default=['inference', 'training', 'pipeline'],
                        choices=['inference', 'training', 'pipeline'])
    parser.add_argument('--stages', nargs='+', type=int, default=[1, 2, 4], help='stage counts for inference')
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 32], help='inference batch sizes')
    parser.add_argument('--flip', nargs='+', choices=['off', 'on'], default=['off', 'on'], help='flip test')
    parser.add_argument('--train-stages', nargs='+', type=int, default=[2])
    parser.add_argument('--train-batch-size', type=int, default=16)
    parser.add_argument('--input-size', nargs=2, type=int, default=[192, 256], metavar=('W', 'H'))
    parser.add_argument('--reps', type=int, default=3, help='timed repetitions of each measurement')
    parser.add_argument('--warmup', type=int, default=1, help='untimed runs before the timed ones')
    parser.add_argument('--pipeline-passes', type=int, default=5, help='timed passes over the sample images')
    parser.add_argument('--data-root', default=str(ROOT / 'tests/data/coco'))
    parser.add_argument('--ann-file', default='test_coco.json')
    parser.add_argument('--config', default=str(ROOT / 'configs/coco/mspn_4xres50_coco-256x192.py'),
                        help='our config whose train_pipeline is timed')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--out', default='work_dirs/benchmark.json', help='JSON results')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    input_size = tuple(args.input_size)
    options = BenchmarkOptions(
        sections=args.sections, stages=args.stages, batch_sizes=args.batch_sizes,
        flip=[f == 'on' for f in args.flip], train_stages=args.train_stages, train_batch_size=args.train_batch_size,
        input_size=input_size, reps=args.reps, warmup=args.warmup, pipeline_passes=args.pipeline_passes,
        device=args.device)
    pipeline = Config.fromfile(args.config).train_pipeline
    # the input size of the timed pipeline follows --input-size
    resized = dict(TopdownAffine=dict(input_size=input_size),
                   GenerateTarget=dict(encoder=dict(Config.fromfile(args.config).codec, input_size=input_size)))
    pipeline = [dict(step, **resized.get(step['type'], {})) for step in pipeline]
    results = run_benchmark(options, pipeline, args.data_root, args.ann_file)
    print(format_table(results))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
