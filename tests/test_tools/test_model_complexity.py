"""tools/analysis/model_complexity.py counts the multiply-adds of the paper's 1-stage model."""
import pytest

from helpers.paths import COCO_CONFIGS
from helpers.readme import run_readme

pytestmark = pytest.mark.slow


def test_cli_counts_the_one_stage_resnet50_model():
    result = run_readme('.venv/bin/python tools/analysis/model_complexity.py CONFIG',
                        CONFIG=COCO_CONFIGS / 'td-hm_1xmspn50_8xb32-96k_coco-256x192.py')
    lines = dict(line.split(': ', 1) for line in result.stdout.splitlines() if ': ' in line)
    train = float(lines['GMACs, all predictors (training forward)'])
    inference = float(lines['GMACs, inference path (final predictor)'])
    # hand count of the conv multiply-adds of this architecture with all 4 predictors: about 5.1 G
    assert 5.0 < train < 5.3
    assert 4.8 < inference < train
    assert lines['parameters'] == '25.11 M'
