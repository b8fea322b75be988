"""tools/benchmark.py: its timing and memory helpers, and a tiny run of every section."""
import json
import time

import numpy as np
import pytest
from mmengine.config import Config
from mmpose.registry import MODELS

from helpers.paths import COCO_CONFIGS, SAMPLES
from helpers.tools import load_tool
from mspn_plugin.models.utils import model_complexity
from mspn_plugin.testing import build_model_pair, make_batch
from mspn_plugin.testing.video_benchmark import compare_poses
from mspn_plugin.utils.registry_scope import registry_scope

benchmark = load_tool('benchmark')


def test_paired_times_alternate_the_order():
    calls = []
    first, second = benchmark.paired_times(lambda: calls.append('a'), lambda: calls.append('b'), reps=3, warmup=1)
    assert calls == ['a', 'b', 'a', 'b', 'b', 'a', 'a', 'b']
    assert len(first) == len(second) == 3


def test_paired_summary_takes_the_median_of_ratios():
    summary = benchmark.paired_summary(10, [2.0, 4.0, 9.0], [1.0, 1.0, 3.0], unit='images_per_s')
    assert summary == dict(mmpose_images_per_s=2.5, ours_images_per_s=10.0, ratio=3.0)


def allocated_block(mib: int) -> np.ndarray:
    return np.ones(mib * 2**20, dtype=np.uint8)  # written, so that its pages are in use


def test_peak_memory_counts_an_allocation_alive_at_the_end():
    with benchmark.PeakMemory('cpu') as memory:
        block = allocated_block(64)
    assert 64 * 2**20 <= memory.peak < 68 * 2**20
    del block


def test_peak_memory_sees_a_temporary_allocation_once_sampled():
    with benchmark.PeakMemory('cpu') as memory:
        block = allocated_block(64)
        sampled = memory.samples
        for _ in range(10_000):  # until the sampling thread has looked at least once more (a guard, not a bound)
            if memory.samples > sampled + 1:
                break
            time.sleep(0.001)
        del block
        after = allocated_block(1)
    assert 64 * 2**20 <= memory.peak < 68 * 2**20
    del after


def test_ours_is_the_configs_model_at_each_stage_count():
    cfg = Config.fromfile(COCO_CONFIGS / 'td-hm_2xmspn50_8xb32-96k_coco-256x192.py')
    with registry_scope():
        reference, ours = build_model_pair(dict(cfg.model, fast_inference=False), num_stages=1,
                                           input_size=(64, 64))
    assert ours.fast_inference is False
    assert ours.backbone.num_stages == ours.head.num_stages == 1
    assert ours.head.decoder.input_size == (64, 64)
    batch = make_batch(None, 1, (64, 64))
    diff, scale = benchmark.heatmap_difference(reference, ours, batch, False)
    assert diff < 1e-4 < scale


@pytest.mark.slow
def test_tiny_benchmark_writes_every_section(tmp_path, capsys):
    out = tmp_path / 'bench.json'
    benchmark.main(['--stages', '1', '--batch-sizes', '2', '--train-stages', '1', '--train-batch-size', '2',
                    '--input-size', '64', '64', '--reps', '1', '--warmup', '0', '--pipeline-passes', '1',
                    '--out', str(out)])
    assert '| test_step |' in capsys.readouterr().out
    results = json.loads(out.read_text())
    assert [(r['stages'], r['batch'], r['flip']) for r in results['inference']] == [(1, 2, False), (1, 2, True)]
    # the GMACs of ours: the default config's model at one stage, counted here
    cfg = Config.fromfile(COCO_CONFIGS / 'td-hm_4xmspn50_8xb32-96k_coco-256x192.py')
    cfg.merge_from_dict({'model.backbone.num_stages': 1, 'model.head.num_stages': 1})
    gmacs = model_complexity(cfg, (64, 64)).inference_gmacs
    for row in results['inference']:
        # one timed pair (--reps 1): the ratio is that pair's
        assert row['ratio'] == pytest.approx(row['ours_images_per_s'] / row['mmpose_images_per_s'])
        passes = 2 if row['flip'] else 1
        achieved = row['ours_images_per_s'] * 2 * passes * gmacs  # GFLOP/s
        assert row['fraction_of_matmul'] * results['matmul_gflops'] == pytest.approx(achieved)
    assert len(results['heatmap_max_abs_diff']) == 2
    assert max(d['max_abs_diff'] for d in results['heatmap_max_abs_diff']) < 1e-4
    assert min(d['max_abs_mmpose'] for d in results['heatmap_max_abs_diff']) > 0.1
    # a training step's peak holds at least the gradients (zero_grad drops them, backward makes them again)
    with registry_scope():
        gradient_mib = sum(p.numel() * 4 for p in MODELS.build(cfg.model).parameters()) / 2**20
    training = results['training'][0]
    assert training['ours_peak_mib'] > gradient_mib and training['mmpose_peak_mib'] > gradient_mib
    # one pass over every person of the sample set that a top-down COCO dataset keeps
    people = json.loads((SAMPLES / 'test_coco.json').read_text())['annotations']
    assert results['pipeline']['instances'] == sum(
        not a['iscrowd'] and a['num_keypoints'] > 0 and min(a['bbox'][2:]) > 0 for a in people)


def test_video_outputs_are_compared_pose_by_pose_matched_by_box():
    keypoints = np.arange(34, dtype=float).reshape(17, 2)
    ours = [dict(frame_index=0, bbox=[10, 20, 30, 40], keypoints=np.c_[keypoints, np.ones(17)].ravel().tolist()),
            dict(frame_index=1, bbox=[10, 20, 30, 40], keypoints=np.c_[keypoints, np.ones(17)].ravel().tolist()),
            dict(frame_index=1, bbox=[0, 0, 5, 5], keypoints=[0.0] * 51)]
    moved = keypoints.copy()
    moved[3] += [0.3, 0.4]
    mmpose = [dict(frame_id=0, instances=[dict(bbox=[[10, 20, 40, 60]], keypoints=keypoints.tolist())]),
              dict(frame_id=1, instances=[dict(bbox=[[10, 20, 40, 60]], keypoints=moved.tolist())])]
    assert compare_poses(ours, mmpose) == dict(poses=3, unmatched_poses=1, keypoints=51, differing_keypoints=1,
                                               max_keypoint_diff_px=pytest.approx(0.5))


@pytest.mark.slow
def test_tiny_video_benchmark_times_both_paths_with_equal_poses(tmp_path, capsys):
    out = tmp_path / 'video.json'
    config = COCO_CONFIGS / 'td-hm_1xmspn50_8xb32-96k_coco-256x192.py'
    benchmark.main(['--sections', 'video', '--video-config', str(config), '--input-size', '64', '64',
                    '--video-frames', '3', '--reps', '1', '--warmup', '0', '--out', str(out)])
    assert '| MMPoseInferencer |' in capsys.readouterr().out
    video = json.loads(out.read_text())['video']
    assert video['outputs']['poses'] > 0 and video['outputs']['unmatched_poses'] == 0
    assert video['outputs']['differing_keypoints'] == 0
    # one pair: the ratio is the two frame rates'
    assert video['ratio'] == pytest.approx(video['ours_frames_per_s'] / video['mmpose_frames_per_s'])
    for side in ('ours', 'mmpose'):
        steps = video['steps'][side]
        assert steps['detect'] > 0 and steps['pose'] > 0 and steps['write'] > 0
        # the steps account for the time of a run (read: what the others leave of it)
        assert sum(steps.values()) == pytest.approx(1 / video[f'{side}_frames_per_s'], rel=0.02)
