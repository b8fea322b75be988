"""tools/benchmark.py: its timing and memory helpers, and a tiny run of every section."""
import json

import numpy as np
import pytest
import torch

from helpers.tools import load_tool

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
