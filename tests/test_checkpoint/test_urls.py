"""Checkpoints named by http(s):// URL: downloaded once into torch's hub cache, then read weights-only like any local
file, through tools/test.py (the README's model-zoo command), tools/infer.py and load_from. Served by a server this
test starts on 127.0.0.1: nothing leaves the machine."""
import functools
import http.server
import json
import os
import re
import threading

import numpy as np
import pytest
import torch

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import SAMPLE_DETECTIONS, SAMPLES, TINY
from helpers.readme import run_readme
from helpers.tools import load_tool
from mspn_plugin.checkpoint import UnsafeCheckpointError, cached_download_path, load_checked_checkpoint
from mspn_plugin.engine import build_runner, prepare_config

pytestmark = pytest.mark.slow


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        CountingHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope='module')
def served(tmp_path_factory):
    """A random tiny checkpoint on disk and the URL of the same file on a local HTTP server."""
    folder = tmp_path_factory.mktemp('served')
    checkpoint = save_random_checkpoint(TINY, folder / 'tiny-random.pth', seed=3)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(CountingHandler,
                                                                                  directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield checkpoint, f'http://127.0.0.1:{server.server_address[1]}/{checkpoint.name}'
    server.shutdown()


@pytest.fixture(scope='module')
def torch_home(tmp_path_factory):
    path = tmp_path_factory.mktemp('torch_home')
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('TORCH_HOME', str(path))
        yield path


def coco_ap(output: str) -> float:
    return float(re.findall(r'coco/AP: ([0-9.]+)', output)[-1])


def test_the_test_tool_scores_a_url_as_the_same_file_on_disk(served, torch_home, tmp_path):
    local, url = served
    result = run_readme('.venv/bin/python tools/test.py CONFIG URL --work-dir WORK_DIR', CONFIG=TINY, URL=url,
                        WORK_DIR=tmp_path / 'url', env={'TORCH_HOME': str(torch_home)})
    from_url = coco_ap(result.stdout + result.stderr)
    cfg = prepare_config(str(TINY), str(tmp_path / 'local'), {'experiment_name': 'local'})
    from_disk = build_runner(cfg, load_from=str(local)).test()['coco/AP']
    assert from_url == pytest.approx(from_disk, abs=1e-6)
    assert (torch_home / 'hub/checkpoints' / local.name).read_bytes() == local.read_bytes()


def test_infer_and_load_from_take_a_url_downloaded_once(served, torch_home, tmp_path, capsys):
    local, url = served
    before = CountingHandler.requests.count(f'/{local.name}')
    downloads = 0 if os.path.exists(cached_download_path(url)) else 1
    outputs = {}
    for name, checkpoint in (('url', url), ('disk', str(local))):
        status = load_tool('infer').main([str(TINY), checkpoint, str(SAMPLES), '--out-dir', str(tmp_path / name),
                                          '--bboxes', str(SAMPLE_DETECTIONS), '--no-vis'])
        assert status == 0, capsys.readouterr().err
        outputs[name] = json.loads((tmp_path / name / 'predictions.json').read_text())
    assert len(outputs['url']) == len(outputs['disk']) > 0
    for a, b in zip(outputs['url'], outputs['disk'], strict=True):
        np.testing.assert_allclose(a['keypoints'], b['keypoints'], atol=1e-5)

    runner = build_runner(prepare_config(str(TINY), str(tmp_path / 'runner')), load_from=url)
    runner.load_or_resume()
    expected = torch.load(local, weights_only=True)['state_dict']
    for key, value in runner.model.state_dict().items():
        assert torch.equal(value, expected[key]), key
    # downloaded on first use only: two tools read it, the server sent it at most once
    assert cached_download_path(url).startswith(str(torch_home))
    assert CountingHandler.requests.count(f'/{local.name}') - before == downloads


class RunsCode:
    """Unpickling this object would create ``marker``."""

    def __init__(self, marker) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}',)


def test_a_url_serving_pickled_code_is_refused(served, torch_home, tmp_path):
    local, url = served
    torch.save({'state_dict': {}, 'payload': RunsCode(tmp_path / 'pwned')}, local.parent / 'evil.pth')
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        load_checked_checkpoint(torch.nn.Linear(1, 1), url.replace(local.name, 'evil.pth'))
    assert not (tmp_path / 'pwned').exists()
