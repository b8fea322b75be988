"""Speed of our MSPN against MMPose's built-in ``MSPN`` + ``MSPNHead`` (same architecture, same weights).

Every comparison runs both models in this process, alternating which goes first at each repetition, and
reports medians and the median of the per-repetition ratios, so that load from other processes cancels.
Sections: ``inference`` (``test_step``, the path ``tools/test.py`` takes, with and without flip test),
``training`` (``train_step``: forward, backward, Adam step; peak memory), ``pipeline`` (the training data
pipelines on real images), plus the heatmap agreement of the two models and the machine's matmul speed.
"""
import ctypes
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS, TRANSFORMS

from ..testing.mmpose_reference import build_model_pair, mmpose_codecs, mmpose_train_pipeline, our_codec, our_model_cfg
from .complexity import model_complexity

COCO_FLIP_INDICES = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


@dataclass
class BenchmarkOptions:
    """What to run: stage counts, batch sizes, repetitions (after ``warmup`` untimed runs), sections."""

    sections: Sequence[str] = ('inference', 'training', 'pipeline')
    stages: Sequence[int] = (1, 2, 4)
    batch_sizes: Sequence[int] = (1, 32)
    flip: Sequence[bool] = (False, True)
    train_stages: Sequence[int] = (2,)
    train_batch_size: int = 16
    input_size: tuple[int, int] = (192, 256)
    reps: int = 3
    warmup: int = 1
    pipeline_passes: int = 5
    device: str = 'cpu'


def paired_times(first: Callable[[], object], second: Callable[[], object], reps: int, warmup: int
                 ) -> tuple[list[float], list[float]]:
    """Seconds per call of two functions, interleaved (the order alternates at each repetition)."""
    for _ in range(warmup):
        first()
        second()
    times: tuple[list[float], list[float]] = ([], [])
    for rep in range(reps):
        order = (0, 1) if rep % 2 == 0 else (1, 0)
        for i in order:
            fn = (first, second)[i]
            _synchronize()
            start = time.perf_counter()
            fn()
            _synchronize()
            times[i].append(time.perf_counter() - start)
    return times


def paired_summary(items: int, mmpose_times: list[float], our_times: list[float], unit: str) -> dict:
    """Medians of ``items / time`` for both, and the median of the per-repetition ratios ours / MMPose."""
    return {f'mmpose_{unit}': items / statistics.median(mmpose_times),
            f'ours_{unit}': items / statistics.median(our_times),
            'ratio': statistics.median(m / o for m, o in zip(mmpose_times, our_times, strict=True))}


def _synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def make_batch(codecs: dict | list[dict] | None, batch_size: int, input_size: tuple[int, int], seed: int = 0
               ) -> dict:
    """A collated batch as a data loader gives it: random images and, when ``codecs`` is given, targets from
    random keypoints (COCO flags 0/1/2) through MMPose's ``GenerateTarget`` (several codecs: multilevel)."""
    rng = np.random.default_rng(seed)
    width, height = input_size
    steps = [] if codecs is None else [
        TRANSFORMS.build(dict(type='GenerateTarget', encoder=codecs, multilevel=isinstance(codecs, list)))]
    steps.append(TRANSFORMS.build(dict(type='PackPoseInputs')))
    samples = []
    for i in range(batch_size):
        results = dict(
            id=i, img=rng.integers(0, 256, (height, width, 3), dtype=np.uint8), img_shape=(height, width),
            input_size=input_size, input_center=np.array([width / 2, height / 2], dtype=np.float32),
            input_scale=np.array([width, height], dtype=np.float32), flip_indices=COCO_FLIP_INDICES,
            bbox=np.array([[0, 0, width, height]], dtype=np.float32), bbox_score=np.ones(1, dtype=np.float32),
            keypoints=rng.uniform([0, 0], [width, height], (1, 17, 2)).astype(np.float32),
            keypoints_visible=rng.choice([0.0, 1.0, 2.0], p=[0.2, 0.2, 0.6], size=(1, 17)).astype(np.float32))
        for step in steps:
            results = step(results)
        samples.append(results)
    return pseudo_collate(samples)


def heatmap_difference(mmpose_model: torch.nn.Module, our_model: torch.nn.Module, batch: dict, flip: bool
                       ) -> tuple[float, float]:
    """Max |ours - MMPose| of the final (flip-averaged) heatmaps returned by ``test_step``, and max |MMPose|
    (the scale the difference is small against)."""
    heatmaps = []
    for model in (mmpose_model, our_model):
        saved = dict(model.test_cfg)
        model.test_cfg.update(flip_test=flip, output_heatmaps=True)
        with torch.no_grad():
            results = model.test_step(batch)
        model.test_cfg.clear()
        model.test_cfg.update(saved)
        heatmaps.append(torch.stack([r.pred_fields.heatmaps for r in results]).cpu())
    return float((heatmaps[0] - heatmaps[1]).abs().max()), float(heatmaps[0].abs().max())


def matmul_gflops(device: str, size: int = 2048, reps: int = 5) -> float:
    """Measured float32 matrix-multiply speed (2 n^3 flops per n x n product)."""
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)
    times = []
    for _ in range(reps + 1):
        _synchronize()
        start = time.perf_counter()
        torch.mm(a, b)
        _synchronize()
        times.append(time.perf_counter() - start)
    return 2 * size**3 / statistics.median(times[1:]) / 1e9


class PeakMemory:
    """Peak bytes in use while the block runs, above the level at its start: CUDA's allocator statistics,
    or on CPU glibc's ``mallinfo2`` (heap + mmapped bytes in use; RSS would count freed memory the
    allocator keeps) sampled every millisecond by a thread."""

    def __init__(self, device: str) -> None:
        self.cuda = device.startswith('cuda')
        self.peak = 0
        if not self.cuda:
            self._mallinfo2 = ctypes.CDLL('libc.so.6').mallinfo2
            self._mallinfo2.restype = _MallInfo2

    def _in_use(self) -> int:
        info = self._mallinfo2()
        return info.uordblks + info.hblkhd

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._in_use() - self._start)
            time.sleep(0.001)

    def __enter__(self) -> 'PeakMemory':
        if self.cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self._start = torch.cuda.memory_allocated()
        else:
            self._start = self._in_use()
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.cuda:
            torch.cuda.synchronize()
            self.peak = torch.cuda.max_memory_allocated() - self._start
        else:
            self._stop.set()
            self._thread.join()


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ('arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks',
                 'keepcost')]


def benchmark_inference(options: BenchmarkOptions, matmul: float) -> tuple[list[dict], list[dict]]:
    """Images/s of ``test_step`` for every stage count, batch size and flip setting; heatmap differences."""
    rows, diffs = [], []
    for num_stages in options.stages:
        mmpose_model, our_model = (m.to(options.device) for m in build_model_pair(num_stages, options.input_size))
        gmacs = model_complexity(Config(dict(model=our_model_cfg(num_stages, options.input_size))),
                                 options.input_size).inference_gmacs
        for flip in options.flip:
            diff, scale = heatmap_difference(mmpose_model, our_model, make_batch(None, 2, options.input_size), flip)
            diffs.append(dict(stages=num_stages, flip=flip, max_abs_diff=diff, max_abs_mmpose=scale))
        for batch_size in options.batch_sizes:
            batch = make_batch(None, batch_size, options.input_size)
            for flip in options.flip:
                for model in (mmpose_model, our_model):
                    model.test_cfg['flip_test'] = flip
                times = paired_times(*(partial(_test_step, model, batch) for model in (mmpose_model, our_model)),
                                     options.reps, options.warmup)
                row = dict(stages=num_stages, batch=batch_size, flip=flip,
                           **paired_summary(batch_size, *times, unit='images_per_s'))
                # one multiply-add = 2 flops; flip test runs the network on two images per image
                row['ours_gflops'] = row['ours_images_per_s'] * 2 * gmacs * (2 if flip else 1)
                row['fraction_of_matmul'] = row['ours_gflops'] / matmul
                rows.append(row)
    return rows, diffs


def _test_step(model: torch.nn.Module, batch: dict) -> None:
    with torch.no_grad():  # as MMEngine's test loop runs it
        model.test_step(batch)



def benchmark_training(options: BenchmarkOptions) -> list[dict]:
    """Samples/s of ``train_step`` (forward, backward, Adam step) and the peak memory of one step."""
    rows = []
    for num_stages in options.train_stages:
        models = [m.to(options.device).train() for m in build_model_pair(num_stages, options.input_size)]
        batches = [make_batch(codecs, options.train_batch_size, options.input_size)
                   for codecs in (mmpose_codecs(options.input_size), our_codec(options.input_size))]
        wrappers = [OptimWrapper(torch.optim.Adam(m.parameters(), lr=5e-4, weight_decay=1e-5)) for m in models]
        steps = [partial(m.train_step, b, w) for m, b, w in zip(models, batches, wrappers, strict=True)]
        times = paired_times(*steps, options.reps, options.warmup)
        row = dict(stages=num_stages, batch=options.train_batch_size,
                   **paired_summary(options.train_batch_size, *times, unit='samples_per_s'))
        for name, step in zip(('mmpose', 'ours'), steps, strict=True):
            with PeakMemory(options.device) as memory:
                step()
            row[f'{name}_peak_mib'] = memory.peak / 2**20
        rows.append(row)
    return rows


def benchmark_pipeline(options: BenchmarkOptions, our_pipeline: list[dict], data_root: str, ann_file: str
                       ) -> dict:
    """Samples/s of the two training pipelines (decode, augment, targets, pack) over a COCO-style set."""
    datasets = [DATASETS.build(dict(type='CocoDataset', data_root=data_root, ann_file=ann_file,
                                    data_prefix=dict(img=''), data_mode='topdown', pipeline=pipeline))
                for pipeline in (mmpose_train_pipeline(options.input_size), our_pipeline)]
    passes = [lambda ds=ds: [ds[i] for i in range(len(ds))] for ds in datasets]
    np.random.seed(0)
    times = paired_times(*passes, options.pipeline_passes, options.warmup)
    return dict(instances=len(datasets[0]), **paired_summary(len(datasets[0]), *times, unit='samples_per_s'))


def run_benchmark(options: BenchmarkOptions, our_pipeline: list[dict] | None = None, data_root: str = '',
                  ann_file: str = '') -> dict:
    """Run the selected sections; returns the JSON-ready results (see ``docs/performance.md``)."""
    init_default_scope('mmpose')
    results = dict(device=options.device, torch=torch.__version__, threads=torch.get_num_threads(),
                   input_size=list(options.input_size), reps=options.reps,
                   matmul_gflops=matmul_gflops(options.device))
    if 'inference' in options.sections:
        results['inference'], results['heatmap_max_abs_diff'] = benchmark_inference(
            options, results['matmul_gflops'])
    if 'training' in options.sections:
        results['training'] = benchmark_training(options)
    if 'pipeline' in options.sections:
        results['pipeline'] = benchmark_pipeline(options, our_pipeline, data_root, ann_file)
    return results


def format_table(results: dict) -> str:
    """The results as Markdown tables."""
    lines = [f"device {results['device']}, torch {results['torch']}, {results['threads']} threads, "
             f"matmul {results['matmul_gflops']:.1f} GFLOP/s"]
    if 'inference' in results:
        lines += ['', '| inference | stages | batch | flip | MMPose img/s | ours img/s | ratio | ours GFLOP/s '
                      '| of matmul |', '|---|---|---|---|---|---|---|---|---|']
        lines += [f"| test_step | {r['stages']} | {r['batch']} | {'yes' if r['flip'] else 'no'} | "
                  f"{r['mmpose_images_per_s']:.2f} | {r['ours_images_per_s']:.2f} | {r['ratio']:.2f}x | "
                  f"{r['ours_gflops']:.1f} | {r['fraction_of_matmul']:.0%} |" for r in results['inference']]
        worst = max(d['max_abs_diff'] for d in results['heatmap_max_abs_diff'])
        scale = min(d['max_abs_mmpose'] for d in results['heatmap_max_abs_diff'])
        lines += ['', f'final heatmaps, max |ours - MMPose| over all settings: {worst:.2e} '
                      f'(max |MMPose| at least {scale:.2f})']
    if 'training' in results:
        lines += ['', '| training | stages | batch | MMPose samples/s | ours samples/s | ratio | MMPose peak MiB '
                      '| ours peak MiB |', '|---|---|---|---|---|---|---|---|']
        lines += [f"| train_step | {r['stages']} | {r['batch']} | {r['mmpose_samples_per_s']:.2f} | "
                  f"{r['ours_samples_per_s']:.2f} | {r['ratio']:.2f}x | {r['mmpose_peak_mib']:.0f} | "
                  f"{r['ours_peak_mib']:.0f} |" for r in results['training']]
    if 'pipeline' in results:
        r = results['pipeline']
        lines += ['', '| data pipeline | instances | MMPose samples/s | ours samples/s | ratio |',
                  '|---|---|---|---|---|',
                  f"| train pipeline | {r['instances']} | {r['mmpose_samples_per_s']:.1f} | "
                  f"{r['ours_samples_per_s']:.1f} | {r['ratio']:.2f}x |"]
    return '\n'.join(lines)
