"""tools/analysis/inference_memory.py on a short run with a leak planted in its inference path: the growth it reports
is the leak's, and a growth above --max-growth-mb fails the run (CHANGELOG.md has a 1,000-image result without one)."""
import json

import numpy as np
import pytest

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import TINY
from helpers.tools import load_tool

LEAK_MB_PER_IMAGE = 2


@pytest.mark.slow
def test_a_planted_leak_is_measured_and_fails_the_run(tmp_path, capsys, monkeypatch):
    tool = load_tool('analysis/inference_memory')
    kept = []

    def leaking_read_image(path: str) -> np.ndarray:
        kept.append(np.ones(LEAK_MB_PER_IMAGE * 2**20, np.uint8))  # written: its pages are resident
        return read_image(path)

    read_image = tool.read_image
    monkeypatch.setattr(tool, 'read_image', leaking_read_image)
    checkpoint = save_random_checkpoint(TINY, tmp_path / 'tiny.pth')
    status = tool.main([str(TINY), str(checkpoint), '--images', '30', '--warmup', '10', '--no-flip',
                        '--max-growth-mb', '30'])
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report['images'] == 30 and report['warmup'] == 10 and report['poses'] > 0
    leaked = 20 * LEAK_MB_PER_IMAGE  # the images after the warm-up
    assert leaked - 2 <= report['growth_mb'] <= leaked + 10
    assert status == 1
