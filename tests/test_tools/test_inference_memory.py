"""tools/analysis/inference_memory.py on a short run: it reports memory figures (the growth bound is for long runs;
CHANGELOG.md has a 1,000-image result)."""
import json

import pytest

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import TINY
from helpers.tools import load_tool


@pytest.mark.slow
def test_short_run_reports_resident_memory(tmp_path, capsys):
    checkpoint = save_random_checkpoint(TINY, tmp_path / 'tiny.pth')
    status = load_tool('analysis/inference_memory').main([str(TINY), str(checkpoint), '--images', '30', '--warmup',
                                                          '10', '--no-flip', '--max-growth-mb', '1e9'])
    assert status == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report['images'] == 30 and report['warmup'] == 10 and report['poses'] > 0
    assert report['rss_after_warmup_mb'] > 100 and report['rss_end_mb'] > 100  # torch alone takes more
    assert report['growth_mb'] == pytest.approx(report['rss_end_mb'] - report['rss_after_warmup_mb'], abs=0.2)
