"""What the network trains on: an augmented crop with its keypoints and skeleton, next to the target heatmaps of every
stage and scale as the head supervises them (the coarse-to-fine kernels side by side).

Shape legend: K keypoints, T target levels rendered by the codec, H x W heatmap, h x w network input.
"""
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch.nn as nn
from matplotlib import colormaps
from matplotlib.figure import Figure
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import set_random_seed
from mmpose.datasets.transforms import PackPoseInputs
from mmpose.registry import DATASETS, MODELS


@dataclass
class TargetPanel:
    """One supervised output's target: a title and its heatmaps (K, H, W)."""

    title: str
    heatmaps: np.ndarray


def target_panels(heatmaps: np.ndarray, num_keypoints: int, head: nn.Module | None = None,
                  heatmap_stride: int = 4) -> list[list[TargetPanel]]:
    """The targets (T * K, H, W) of one training sample, laid out as the head uses them.

    An MSPN head (with ``kernel_schedule`` and ``target_levels``, :class:`~mspn_plugin.models.MSPNHeatmapHead`)
    gives one row per stage and one column per scale, coarsest first, each the level its kernel names; any other
    head gets the T rendered levels in one row. Returns rows of :class:`TargetPanel`.
    """
    levels = np.asarray(heatmaps, np.float32).reshape(-1, num_keypoints, *heatmaps.shape[-2:])
    if not hasattr(head, 'target_levels'):
        return [[TargetPanel(f'target level {t + 1}', level) for t, level in enumerate(levels)]]
    num_scales = len(head.target_levels[0])
    return [[TargetPanel(f'stage {s + 1}, 1/{heatmap_stride * 2 ** (num_scales - 1 - scale)} features\n'
                         f'{kernel}x{kernel} kernel', levels[level])
             for scale, (level, kernel) in enumerate(zip(stage_levels, stage_kernels, strict=True))]
            for s, (stage_levels, stage_kernels) in enumerate(zip(head.target_levels, head.kernel_schedule,
                                                                  strict=True))]


def draw_training_sample(path: str, image: np.ndarray, keypoints: np.ndarray, keypoint_weights: np.ndarray,
                         panels: list[list[TargetPanel]], metainfo: dict, title: str = '') -> None:
    """Write a PNG to ``path``: the crop ``image`` (h, w, 3 BGR) with the supervised keypoints (K, 2; input pixels;
    those with a ``keypoint_weights`` (K,) > 0, the others are not trained on) and the skeleton of ``metainfo``
    (MMPose's dataset metainfo: ``skeleton_links``, ``skeleton_link_colors``, ``keypoint_colors``, RGB 0-255) on the
    left; on the right every panel's targets, the maximum over keypoints, over the dimmed crop."""
    rows, cols = max(len(panels), 1), max((len(row) for row in panels), default=0)
    height, width = image.shape[:2]
    rgb = np.ascontiguousarray(image[..., ::-1])
    cell = 2.2  # inches per panel width
    figure = Figure(figsize=(cell * (cols + 1.6), cell * height / width * max(rows, 1.6) + 0.6))
    grid = figure.add_gridspec(rows, cols + 2, width_ratios=[1.6, 0.1, *[1] * cols])
    crop = figure.add_subplot(grid[:, 0])
    crop.imshow(rgb)
    supervised = keypoint_weights > 0
    links = metainfo.get('skeleton_links') or []
    link_colours = _colours(metainfo.get('skeleton_link_colors'), len(links))
    for (i, j), colour in zip(links, link_colours, strict=True):
        if i < len(keypoints) and j < len(keypoints) and supervised[i] and supervised[j]:
            crop.plot(keypoints[[i, j], 0], keypoints[[i, j], 1], color=colour, linewidth=2)
    point_colours = _colours(metainfo.get('keypoint_colors'), len(keypoints))
    for k in np.flatnonzero(supervised):
        crop.scatter(*keypoints[k], s=22, color=point_colours[k], edgecolors='white', linewidths=0.6, zorder=3)
    crop.set_title(f'augmented crop {width}x{height}, {int(supervised.sum())}/{len(keypoints)} keypoints '
                   'supervised', fontsize=8)
    crop.set_axis_off()
    for r, row in enumerate(panels):
        for c, panel in enumerate(row):
            axis = figure.add_subplot(grid[r, c + 2])
            axis.imshow(rgb.mean(-1), cmap='gray', vmin=0, vmax=255, extent=(0, width, height, 0))
            strength = panel.heatmaps.max(0) / (float(panel.heatmaps.max()) or 1.0)
            overlay = colormaps['inferno'](strength)
            overlay[..., 3] = np.sqrt(strength) * 0.9  # the crop shows through where the target is low
            axis.imshow(overlay, extent=(0, width, height, 0), interpolation='nearest')
            axis.set_title(panel.title, fontsize=7)
            axis.set_axis_off()
    if title:
        figure.suptitle(title, fontsize=9)
    figure.savefig(path, dpi=110, bbox_inches='tight')


def _colours(colours: np.ndarray | list | None, count: int) -> list[tuple[float, float, float]]:
    """``count`` matplotlib colours from MMPose's RGB 0-255 palette (one colour or one per item; white when
    none)."""
    if colours is None or len(colours) == 0:
        return [(1.0, 1.0, 1.0)] * count
    palette = np.atleast_2d(np.asarray(colours, np.float64)) / 255.0
    return [tuple(palette[i % len(palette)]) for i in range(count)]


@dataclass
class PipelineSample:
    """One annotation after a dataset's pipeline, before packing: the crop ``image`` (h, w, 3 BGR), ``keypoints``
    (K, 2) in crop pixels, ``keypoint_weights`` (K,) (those trained on), ``heatmaps`` (T * K, H, W) when the
    pipeline renders targets, and where it came from."""

    image: np.ndarray
    keypoints: np.ndarray
    keypoint_weights: np.ndarray
    heatmaps: np.ndarray | None
    img_path: str
    annotation_id: int | str


def pipeline_samples(cfg: Config, split: str = 'train', num: int = 8, seed: int = 0
                     ) -> tuple[list[PipelineSample], dict]:
    """``num`` random samples of the ``split`` dataset of ``cfg`` (``train``, ``val`` or ``test``: its dataloader's
    dataset and pipeline, random augmentation included, all seeded by ``seed``) and the dataset's metainfo. A sample
    the pipeline drops is skipped with a warning. Call it in the config's registry scope."""
    set_random_seed(seed)
    dataset = DATASETS.build(cfg[f'{split}_dataloader']['dataset'])
    # the pipeline without its packing step: the crop's keypoints are kept only before it
    steps = [step for step in dataset.pipeline.transforms if not isinstance(step, PackPoseInputs)]
    samples = []
    for index in np.random.default_rng(seed).choice(len(dataset), min(num, len(dataset)), replace=False):
        data = info = dataset.get_data_info(int(index))
        for step in steps:
            data = step(data)
            if data is None:
                print_log(f'{info.get("img_path")}: sample {index} skipped, the {split} pipeline dropped it at '
                          f'{type(step).__name__}', logger='current', level=logging.WARNING)
                break
        if data is None:
            continue
        weights = data.get('keypoint_weights', data['keypoints_visible'])
        samples.append(PipelineSample(
            data['img'], np.asarray(data['transformed_keypoints'][0], np.float32),
            np.asarray(weights, np.float32).reshape(-1), np.asarray(data['heatmaps']) if 'heatmaps' in data else None,
            str(data.get('img_path', '')), data.get('id', int(index))))
    return samples, dataset.metainfo


def draw_dataset_samples(cfg: Config, out_dir: str | Path, split: str = 'train', num: int = 8, seed: int = 0
                         ) -> list[Path]:
    """Draw :func:`pipeline_samples` with :func:`draw_training_sample`, the targets laid out by the config's head
    (:func:`target_panels`; none for a pipeline that renders no targets). Call it in the config's registry scope.
    Returns the PNG paths, ``NN_<image>_<annotation id>.png``."""
    samples, metainfo = pipeline_samples(cfg, split, num, seed)
    head = MODELS.build(cfg.model.head) if cfg.get('model', {}).get('head') else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, sample in enumerate(samples):
        panels = [] if sample.heatmaps is None else target_panels(
            sample.heatmaps, len(sample.keypoints), head, sample.image.shape[1] // sample.heatmaps.shape[-1])
        name = Path(sample.img_path or 'sample')
        path = out / f'{n:02d}_{name.stem}_{sample.annotation_id}.png'
        draw_training_sample(str(path), sample.image, sample.keypoints, sample.keypoint_weights, panels, metainfo,
                             f'{name.name}, annotation {sample.annotation_id} ({split} pipeline)')
        paths.append(path)
    return paths
