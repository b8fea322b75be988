"""The sample recipe is not tuned to the bundled COCO images: pointed (with --cfg-options only) at a COCO-format
set built from the MPII sample images, it overfits that set too. The set holds 5 people (the COCO samples 14), so a
fifth of the iterations do, with the same warm-up and linear decay to 0."""
import re
import sys

import pytest

from helpers.coco_from_mpii import coco_from_mpii
from helpers.configs import data_options
from helpers.paths import MPII_SAMPLES, SAMPLE_CONFIG
from helpers.tools import run

pytestmark = pytest.mark.slow
ITERATIONS = 60
SHORTER = [f'train_cfg.max_iters={ITERATIONS}', f'train_cfg.val_interval={ITERATIONS}',
           f'param_scheduler.1.end={ITERATIONS + 1}', f'default_hooks.checkpoint.interval={ITERATIONS}']


def test_sample_config_overfits_another_coco_format_set(tmp_path):
    data = tmp_path / 'data'
    ann = coco_from_mpii(MPII_SAMPLES / 'test_mpii.json', MPII_SAMPLES, data)
    result = run(sys.executable, 'tools/train.py', SAMPLE_CONFIG, '--work-dir', tmp_path / 'work',
                 '--cfg-options', *data_options(str(data), ann.name), *SHORTER)
    final_ap = float(re.findall(r'coco/AP: ([0-9.]+)', result.stdout + result.stderr)[-1])
    print(f'MPII-derived set: AP {final_ap:.3f}')
    assert final_ap >= 0.9
