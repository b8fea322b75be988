"""tools/analysis/inference_memory.py on a short run with a leak planted in its inference path: the growth it reports
is the leak's, and a growth above --max-growth-mb fails the run (CHANGELOG.md has a 1,000-image result without one).
The run has a new process of its own: in a test worker, or a child forked from the warm interpreter, memory freed
earlier could absorb the leak."""
import json
import sys

import pytest

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import TINY, TOOLS
from helpers.tools import run

LEAK_MB_PER_IMAGE = 2
# the tool, with every image read keeping LEAK_MB_PER_IMAGE more (written: its pages are resident)
LEAKING_RUN = f'''
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location('inference_memory', {str(TOOLS / 'analysis/inference_memory.py')!r})
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
kept, read_image = [], tool.read_image
def leaking_read_image(path):
    kept.append(np.ones({LEAK_MB_PER_IMAGE} * 2**20, np.uint8))
    return read_image(path)
tool.read_image = leaking_read_image
sys.exit(tool.main(sys.argv[1:]))
'''


@pytest.mark.slow
def test_a_planted_leak_is_measured_and_fails_the_run(tmp_path):
    checkpoint = save_random_checkpoint(TINY, tmp_path / 'tiny.pth')
    result = run(sys.executable, '-c', LEAKING_RUN, TINY, checkpoint, '--images', '30', '--warmup', '10',
                 '--no-flip', '--max-growth-mb', '30', check=False, new_process=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report['images'] == 30 and report['warmup'] == 10 and report['poses'] > 0
    leaked = 20 * LEAK_MB_PER_IMAGE  # the images after the warm-up
    assert leaked - 2 <= report['growth_mb'] <= leaked + 10, report
    assert result.returncode == 1
