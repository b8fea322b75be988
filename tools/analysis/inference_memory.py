"""Resident memory over a long top-down inference run: the bundled sample images, over and over.

Prints a json summary (RSS after warm-up and at the end, growth in MB) and exits non-zero when the growth after
warm-up exceeds --max-growth-mb.

Usage:
    python tools/analysis/inference_memory.py CONFIG CHECKPOINT [--images 1000] [--warmup 50] [--max-growth-mb 50]
        [--no-flip]
"""
import argparse
import json
import sys
from pathlib import Path

from mspn_plugin.apis import DetectionFile, TopdownPoseEstimation
from mspn_plugin.apis.inference_memory import measure_inference_memory

SAMPLES = Path(__file__).resolve().parents[2] / 'tests/data/coco'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--images', type=int, default=1000, help='images to run (the samples, cycled)')
    parser.add_argument('--warmup', type=int, default=50, help='images before the first measurement')
    parser.add_argument('--max-growth-mb', type=float, default=50.0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--no-flip', action='store_true', help='disable the flip test (half the compute)')
    args = parser.parse_args(argv)
    estimator = TopdownPoseEstimation(args.config, args.checkpoint, args.device, flip=not args.no_flip)
    boxes = DetectionFile(str(SAMPLES / 'test_coco_det_AP_H_56.json'))
    report = measure_inference_memory(estimator, sorted(SAMPLES.glob('*.jpg')), boxes, args.images, args.warmup)
    print(json.dumps(report))
    return 0 if report['growth_mb'] <= args.max_growth_mb else 1


if __name__ == '__main__':
    sys.exit(main())
