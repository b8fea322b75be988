"""tools/benchmark.py: its timing and memory helpers, and a tiny run of every section."""
import json

import numpy as np
import pytest
import torch

from helpers.paths import COCO_CONFIGS
from helpers.tools import load_tool
from mspn_plugin.testing.video_benchmark import compare_poses

benchmark = load_tool('benchmark')


def test_paired_times_alternate_the_order():
    calls = []
    first, second = benchmark.paired_times(lambda: calls.append('a'), lambda: calls.append('b'), reps=3, warmup=1)
    assert calls == ['a', 'b', 'a', 'b', 'b', 'a', 'a', 'b']
    assert len(first) == len(second) == 3


def test_paired_summary_takes_the_median_of_ratios():
    summary = benchmark.paired_summary(10, [2.0, 4.0, 9.0], [1.0, 1.0, 3.0], unit='images_per_s')
    assert summary == dict(mmpose_images_per_s=2.5, ours_images_per_s=10.0, ratio=3.0)


def test_peak_memory_sees_a_temporary_allocation():
    with benchmark.PeakMemory('cpu') as memory:
        block = np.ones(64 * 2**20, dtype=np.uint8)
        for _ in range(20):
            block += 1
            torch.ones(1).add_(1)
        del block
    assert 60 * 2**20 < memory.peak < 200 * 2**20


@pytest.mark.slow
def test_tiny_benchmark_writes_every_section(tmp_path, capsys):
    out = tmp_path / 'bench.json'
    benchmark.main(['--stages', '1', '--batch-sizes', '2', '--train-stages', '1', '--train-batch-size', '2',
                    '--input-size', '64', '64', '--reps', '1', '--warmup', '0', '--pipeline-passes', '1',
                    '--out', str(out)])
    assert '| test_step |' in capsys.readouterr().out
    results = json.loads(out.read_text())
    assert results['matmul_gflops'] > 0
    assert [(r['stages'], r['batch'], r['flip']) for r in results['inference']] == [(1, 2, False), (1, 2, True)]
    for row in results['inference']:
        assert row['ours_images_per_s'] > 0 and row['mmpose_images_per_s'] > 0 and row['ratio'] > 0
        assert 0 < row['fraction_of_matmul']
    assert len(results['heatmap_max_abs_diff']) == 2
    assert max(d['max_abs_diff'] for d in results['heatmap_max_abs_diff']) < 1e-4
    assert min(d['max_abs_mmpose'] for d in results['heatmap_max_abs_diff']) > 0.1
    training = results['training'][0]
    assert training['ours_samples_per_s'] > 0 and training['ours_peak_mib'] > 0 and training['mmpose_peak_mib'] > 0
    assert results['pipeline']['instances'] > 0 and results['pipeline']['ratio'] > 0


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
