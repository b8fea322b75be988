"""Resident memory over a long top-down inference run: the bundled sample images, over and over.

Prints a json summary (RSS after warm-up and at the end, growth in MB) and exits non-zero when the growth after
warm-up exceeds --max-growth-mb.
"""
import argparse
import json
import os.path as osp
import sys
import time
from itertools import cycle, islice
from pathlib import Path

import psutil
from mmengine.logging import print_log

from mspn_plugin.apis import PosePredictor
from mspn_plugin.datasets import DetectionFile, valid_boxes
from mspn_plugin.utils.image_io import read_image

SAMPLES = Path(__file__).resolve().parents[2] / 'demo/resources/coco'


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def measure_inference_memory(estimator: PosePredictor, images: list[Path], boxes: DetectionFile,
                             num_images: int, warmup: int = 50, log_every: int = 100) -> dict:
    """Run the per-image inference path (read, boxes, pose model) over ``num_images`` images, cycling through
    ``images``, and report the resident set size (MB) after ``warmup`` images and at the end.

    Results are discarded, so any growth after warm-up is memory the path keeps (a leak), not output. The RSS is
    also logged every ``log_every`` images.
    """
    rss_after_warmup = None
    poses = 0
    start = time.perf_counter()
    for index, path in enumerate(islice(cycle(images), num_images)):
        image = read_image(str(path))
        poses += len(estimator(image, valid_boxes(boxes(image, path.name), image.shape, path.name)))
        if index + 1 == min(warmup, num_images):
            rss_after_warmup = _rss_mb()
        if (index + 1) % log_every == 0:
            print_log(f'{index + 1} images: RSS {_rss_mb():.1f} MB', logger='current')
    rss_end = _rss_mb()
    return dict(images=num_images, warmup=min(warmup, num_images), poses=poses,
                seconds=round(time.perf_counter() - start, 1), rss_after_warmup_mb=round(rss_after_warmup, 1),
                rss_end_mb=round(rss_end, 1), growth_mb=round(rss_end - rss_after_warmup, 1),
                images_from=sorted({osp.dirname(str(p)) for p in images}))


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
    estimator = PosePredictor(args.config, args.checkpoint, args.device, flip=not args.no_flip)
    boxes = DetectionFile(str(SAMPLES / 'test_coco_det_AP_H_56.json'))
    report = measure_inference_memory(estimator, sorted(SAMPLES.glob('*.jpg')), boxes, args.images, args.warmup)
    print(json.dumps(report))
    return 0 if report['growth_mb'] <= args.max_growth_mb else 1


if __name__ == '__main__':
    sys.exit(main())
