"""Time our MSPN against MMPose's built-in ``MSPN`` + ``MSPNHead`` (same architecture, same weights).

Every comparison runs both models in this process, alternating which goes first at each repetition, and reports
medians and the median of the per-repetition ratios, so that load from other processes cancels. Sections:
``inference`` (``test_step``, the path ``tools/test.py`` takes, with and without flip test), ``training``
(``train_step``: forward, backward, Adam step; peak memory), ``pipeline`` (the training data pipelines on real
images), ``video`` (the whole video path against ``MMPoseInferencer``: mspn_plugin/testing/video_benchmark.py),
plus the heatmap agreement of the two models and the machine's matmul speed. Prints Markdown tables and writes the
JSON results; see docs/performance.md for the fields.
"""
import argparse
import ctypes
import json
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmpose.registry import DATASETS

import mspn_plugin  # noqa: F401  (registers the components)
from mspn_plugin.datasets import with_codec
from mspn_plugin.models.utils import model_complexity
from mspn_plugin.testing import build_model_pair, make_batch
from mspn_plugin.testing.mmpose_reference import mmpose_codecs, mmpose_train_pipeline, our_model_cfg
from mspn_plugin.testing.video_benchmark import VideoBenchmarkOptions, benchmark_video, format_video_table
from mspn_plugin.utils.registry_scope import enter_config_scope


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
    allocator keeps) sampled every millisecond by a thread (``samples`` counts them) and once more at the end."""

    def __init__(self, device: str) -> None:
        self.cuda = device.startswith('cuda')
        self.peak = 0
        self.samples = 0
        if not self.cuda:
            self._mallinfo2 = ctypes.CDLL('libc.so.6').mallinfo2
            self._mallinfo2.restype = _MallInfo2

    def _in_use(self) -> int:
        info = self._mallinfo2()
        return info.uordblks + info.hblkhd

    def _take_sample(self) -> None:
        self.peak = max(self.peak, self._in_use() - self._start)
        self.samples += 1

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._take_sample()
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
            self._take_sample()


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ('arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks',
                 'keepcost')]


def benchmark_inference(options: BenchmarkOptions, cfg: Config, matmul: float) -> tuple[list[dict], list[dict]]:
    """Images/s of ``test_step`` for every stage count, batch size and flip setting; heatmap differences. Ours is
    ``cfg``'s model at each stage count."""
    rows, diffs = [], []
    for num_stages in options.stages:
        mmpose_model, our_model = (m.to(options.device)
                                   for m in build_model_pair(cfg.model, num_stages, options.input_size))
        gmacs = model_complexity(Config(dict(model=our_model_cfg(cfg.model, num_stages, options.input_size))),
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


def benchmark_training(options: BenchmarkOptions, cfg: Config) -> list[dict]:
    """Samples/s of ``train_step`` (forward, backward, Adam step) and the peak memory of one step; ours is
    ``cfg``'s model and codec."""
    rows = []
    for num_stages in options.train_stages:
        models = [m.to(options.device).train()
                  for m in build_model_pair(cfg.model, num_stages, options.input_size)]
        batches = [make_batch(codecs, options.train_batch_size, options.input_size)
                   for codecs in (mmpose_codecs(options.input_size), dict(cfg.codec, input_size=options.input_size))]
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


def run_benchmark(options: BenchmarkOptions, cfg: Config, data_root: str = '', ann_file: str = '') -> dict:
    """Run the selected sections with ours from ``cfg`` (model, codec, training pipeline); returns the JSON-ready
    results (see ``docs/performance.md``)."""
    enter_config_scope(cfg)
    results = dict(device=options.device, torch=torch.__version__, threads=torch.get_num_threads(),
                   input_size=list(options.input_size), reps=options.reps,
                   matmul_gflops=matmul_gflops(options.device))
    if 'inference' in options.sections:
        results['inference'], results['heatmap_max_abs_diff'] = benchmark_inference(
            options, cfg, results['matmul_gflops'])
    if 'training' in options.sections:
        results['training'] = benchmark_training(options, cfg)
    if 'pipeline' in options.sections:
        # the input size of the timed pipeline follows options.input_size
        pipeline = with_codec(cfg.train_pipeline, dict(cfg.codec, input_size=options.input_size))
        results['pipeline'] = benchmark_pipeline(options, pipeline, data_root, ann_file)
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


ROOT = Path(__file__).resolve().parents[1]
EPILOG = '''examples:
  python tools/benchmark.py --out work_dirs/benchmark.json                 # everything (about 15 min, 2 cores)
  python tools/benchmark.py --sections inference --stages 2 --batch-sizes 32 --flip on
  python tools/benchmark.py --stages 1 --batch-sizes 1 --train-stages 1 --train-batch-size 2 \\
      --input-size 64 64 --reps 1 --pipeline-passes 1 --out /tmp/tiny.json                # seconds
'''


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sections', nargs='+', default=['inference', 'training', 'pipeline'],
                        choices=['inference', 'training', 'pipeline', 'video'])
    parser.add_argument('--stages', nargs='+', type=int, default=[1, 2, 4], help='stage counts for inference')
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 32], help='inference batch sizes')
    parser.add_argument('--flip', nargs='+', choices=['off', 'on'], default=['off', 'on'], help='flip test')
    parser.add_argument('--train-stages', nargs='+', type=int, default=[2])
    parser.add_argument('--train-batch-size', type=int, default=16)
    parser.add_argument('--input-size', nargs=2, type=int, default=[192, 256], metavar=('W', 'H'))
    parser.add_argument('--reps', type=int, default=3, help='timed repetitions of each measurement')
    parser.add_argument('--warmup', type=int, default=1, help='untimed runs before the timed ones')
    parser.add_argument('--pipeline-passes', type=int, default=5, help='timed passes over the sample images')
    parser.add_argument('--data-root', default=str(ROOT / 'demo/resources/coco'))
    parser.add_argument('--ann-file', default='test_coco.json')
    parser.add_argument('--config', default=str(ROOT / 'configs/body_2d_keypoint/topdown_heatmap/coco/'
                                                     'td-hm_4xmspn50_8xb32-96k_coco-256x192.py'),
                        help='our config (ResNet-50 down units, as MMPose\'s MSPN): its model at each stage '
                             'count, codec and training pipeline are timed')
    parser.add_argument('--video-config', default=str(ROOT / 'configs/body_2d_keypoint/topdown_heatmap/coco/'
                                                           'td-hm_2xmspn50_8xb32-96k_coco-256x192.py'))
    parser.add_argument('--video-frames', type=int, default=24, help='frames of the synthetic video')
    parser.add_argument('--det-config', default=str(ROOT / 'demo/mmdetection_cfg/rtmdet_tiny_8xb32-300e_coco.py'))
    parser.add_argument('--det-checkpoint', help='default: random weights biased towards person boxes')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--out', default='work_dirs/benchmark.json', help='JSON results')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    input_size = tuple(args.input_size)
    options = BenchmarkOptions(
        sections=args.sections, stages=args.stages, batch_sizes=args.batch_sizes,
        flip=[f == 'on' for f in args.flip], train_stages=args.train_stages, train_batch_size=args.train_batch_size,
        input_size=input_size, reps=args.reps, warmup=args.warmup, pipeline_passes=args.pipeline_passes,
        device=args.device)
    results = run_benchmark(options, Config.fromfile(args.config), args.data_root, args.ann_file)
    if 'video' in args.sections:
        results['video'] = benchmark_video(VideoBenchmarkOptions(
            args.video_config, args.det_config, args.det_checkpoint, args.data_root, args.video_frames,
            input_size=input_size, reps=args.reps, warmup=args.warmup, device=args.device),
            paired_times, paired_summary)
    print(format_table(results) + ('\n\n' + format_video_table(results['video']) if 'video' in results else ''))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
