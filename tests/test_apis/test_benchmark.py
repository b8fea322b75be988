import numpy as np
import torch

from mspn_plugin.apis.benchmark import PeakMemory, paired_summary, paired_times


def test_paired_times_alternate_the_order():
    calls = []
    first, second = paired_times(lambda: calls.append('a'), lambda: calls.append('b'), reps=3, warmup=1)
    assert calls == ['a', 'b', 'a', 'b', 'b', 'a', 'a', 'b']
    assert len(first) == len(second) == 3


def test_paired_summary_takes_the_median_of_ratios():
    summary = paired_summary(10, [2.0, 4.0, 9.0], [1.0, 1.0, 3.0], unit='images_per_s')
    assert summary == dict(mmpose_images_per_s=2.5, ours_images_per_s=10.0, ratio=3.0)


def test_peak_memory_sees_a_temporary_allocation():
    with PeakMemory('cpu') as memory:
        block = np.ones(64 * 2**20, dtype=np.uint8)
        for _ in range(20):
            block += 1
            torch.ones(1).add_(1)
        del block
    assert 60 * 2**20 < memory.peak < 200 * 2**20
