"""tools/analysis/inference_memory.py on a short run: it reports memory figures (the growth bound is for long runs;
docs/reliability.md has the 1,000-image result)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mspn_plugin.testing.checkpoints import save_random_checkpoint

ROOT = Path(__file__).resolve().parents[2]
TINY = 'tests/data/configs/mspn_tiny_coco.py'


@pytest.mark.slow
def test_short_run_reports_resident_memory(tmp_path):
    checkpoint = save_random_checkpoint(str(ROOT / TINY), tmp_path / 'tiny.pth')
    result = subprocess.run([sys.executable, 'tools/analysis/inference_memory.py', TINY, str(checkpoint),
                             '--images', '30', '--warmup', '10', '--no-flip', '--max-growth-mb', '1e9'],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report['images'] == 30 and report['warmup'] == 10 and report['poses'] > 0
    assert report['rss_after_warmup_mb'] > 100 and report['rss_end_mb'] > 100  # torch alone takes more
    assert report['growth_mb'] == pytest.approx(report['rss_end_mb'] - report['rss_after_warmup_mb'], abs=0.2)
