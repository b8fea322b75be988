"""tools/benchmark.py in a tiny setting: every section runs and the two models agree."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_tiny_benchmark_writes_every_section(tmp_path):
    out = tmp_path / 'bench.json'
    subprocess.run([sys.executable, str(ROOT / 'tools/benchmark.py'), '--stages', '1', '--batch-sizes', '2',
                    '--train-stages', '1', '--train-batch-size', '2', '--input-size', '64', '64', '--reps', '1',
                    '--warmup', '0', '--pipeline-passes', '1', '--out', str(out)], check=True, cwd=tmp_path)
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
