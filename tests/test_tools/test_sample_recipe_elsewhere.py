"""The sample recipe is not tuned to the bundled COCO images: pointed (with --cfg-options only) at a COCO-format
set built from the MPII sample images, it overfits that set too."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mspn_plugin.testing.coco_from_mpii import coco_from_mpii

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_sample_config_overfits_another_coco_format_set(tmp_path):
    data = tmp_path / 'data'
    ann = coco_from_mpii(ROOT / 'tests/data/mpii/test_mpii.json', ROOT / 'tests/data/mpii', data)
    overrides = [f'{split}_dataloader.dataset.{key}={value}' for split in ('train', 'val', 'test')
                 for key, value in (('data_root', f'{data}/'), ('ann_file', ann.name))]
    overrides += [f'{split}_evaluator.ann_file={ann}' for split in ('val', 'test')]
    result = subprocess.run([sys.executable, 'tools/train.py', 'configs/sample/mspn_sample.py', '--work-dir',
                             str(tmp_path / 'work'), '--cfg-options', *overrides],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    final_ap = float(re.findall(r'coco/AP: ([0-9.]+)', result.stdout + result.stderr)[-1])
    print(f'MPII-derived set: AP {final_ap:.3f}')
    assert final_ap >= 0.9
