import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_cli_counts_the_one_stage_resnet50_model():
    result = subprocess.run([sys.executable, str(ROOT / 'tools/analysis/model_complexity.py'),
                             str(ROOT / 'configs/coco/mspn_1xres50_coco-256x192.py')],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    lines = dict(line.split(': ', 1) for line in result.stdout.splitlines() if ': ' in line)
    train = float(lines['GMACs, all predictors (training forward)'])
    inference = float(lines['GMACs, inference path (final predictor)'])
    # hand count of the conv multiply-adds of this architecture with all 4 predictors: about 5.1 G
    assert 5.0 < train < 5.3
    assert 4.8 < inference < train
    assert lines['parameters'] == '25.11 M'
