"""Resident memory of a long top-down inference run (a leak check)."""
import os.path as osp
import time
from itertools import cycle, islice
from pathlib import Path

import psutil
from mmengine.logging import print_log

from ..utils.image_io import read_image
from .inference import DetectionFile, TopdownPoseEstimation, valid_boxes


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def measure_inference_memory(estimator: TopdownPoseEstimation, images: list[Path], boxes: DetectionFile,
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
