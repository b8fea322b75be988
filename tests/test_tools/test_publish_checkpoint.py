"""tools/publish_checkpoint.py on the tiny training's checkpoint: weights and metadata only, named by its SHA-256;
it scores and infers as the original, also served over 127.0.0.1 under its published name, and with one byte
changed the download is refused and nothing stays in the cache."""
import hashlib
import json
import re
from pathlib import Path

import pytest
import torch

from helpers.http_server import serving
from helpers.paths import SAMPLE_DETECTIONS, SAMPLES, TINY
from helpers.readme import run_readme
from helpers.tools import load_tool
from mspn_plugin.checkpoint import load_checkpoint_weights_only

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def published(tiny_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp('published')
    result = run_readme('.venv/bin/python tools/publish_checkpoint.py CHECKPOINT OUT --metric coco/AP=VALUE',
                        CHECKPOINT=tiny_run / 'iter_4.pth', OUT=folder / 'mspn_tiny.pth', VALUE=0.25)
    return tiny_run / 'iter_4.pth', Path(re.search(r'published: (\S+)', result.stdout)[1])


def test_published_file_holds_weights_and_metadata_only(published):
    original, path = published
    assert path.name == f'mspn_tiny-{hashlib.sha256(path.read_bytes()).hexdigest()[:8]}.pth'
    content = load_checkpoint_weights_only(str(path))
    source = load_checkpoint_weights_only(str(original))
    assert set(content) == {'state_dict', 'meta'} and {'optimizer', 'message_hub'} <= set(source)
    assert content['state_dict'].keys() == source['state_dict'].keys()
    assert all(torch.equal(value, source['state_dict'][key]) for key, value in content['state_dict'].items())
    meta = content['meta']
    assert meta['cfg'] == source['meta']['cfg'] and 'MSPNHeatmapHead' in meta['cfg']
    assert meta['dataset'] == 'coco' and meta['dataset_meta']['num_keypoints'] == 17
    assert meta['metrics'] == {'coco/AP': 0.25}


def validation_ap(work_dir: Path) -> float:
    """coco/AP of the training's last validation, from its scalars log."""
    scalars = [json.loads(line) for line in next(work_dir.glob('*/vis_data/scalars.json')).read_text().splitlines()]
    return [entry['coco/AP'] for entry in scalars if 'coco/AP' in entry][-1]


def test_published_file_scores_and_infers_as_the_original_also_by_url(published, tiny_run, tmp_path, monkeypatch,
                                                                     capsys):
    _, path = published
    torch_home = tmp_path / 'torch_home'
    monkeypatch.setenv('TORCH_HOME', str(torch_home))
    with serving(path.parent) as base:
        result = run_readme('.venv/bin/python tools/test.py CONFIG CHECKPOINT --work-dir WORK_DIR', CONFIG=TINY,
                            CHECKPOINT=f'{base}/{path.name}', WORK_DIR=tmp_path / 'url',
                            env={'TORCH_HOME': str(torch_home)})
    # the tiny training validated its last checkpoint (iter_4.pth) on the same set
    assert float(re.findall(r'coco/AP: ([0-9.]+)', result.stdout + result.stderr)[-1]) == pytest.approx(
        validation_ap(tiny_run), abs=1e-4)
    assert (torch_home / 'hub/checkpoints' / path.name).read_bytes() == path.read_bytes()

    image = SAMPLES / '000000000785.jpg'
    status = load_tool('infer').main([str(TINY), str(path), str(image), '--out-dir', str(tmp_path / 'infer'),
                                      '--bboxes', str(SAMPLE_DETECTIONS), '--no-vis'])
    assert status == 0, capsys.readouterr().err
    predictions = json.loads((tmp_path / 'infer' / 'predictions.json').read_text())
    assert len(predictions) > 0 and len(predictions[0]['keypoints']) == 17 * 3


def test_a_published_file_with_one_byte_changed_is_refused_and_not_cached(published, tmp_path, monkeypatch, capsys):
    _, path = published
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    served = tmp_path / 'served'
    served.mkdir()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    (served / path.name).write_bytes(bytes(data))
    expected, actual = path.stem[-8:], hashlib.sha256(data).hexdigest()[:8]
    with serving(served) as base:
        url = f'{base}/{path.name}'
        status = load_tool('test').main([str(TINY), url, '--work-dir', str(tmp_path / 'work')])
    error = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert error[-1].startswith(f'error: {url}: SHA-256 of the download starts with {actual}, expected {expected}')
    cache = tmp_path / 'torch_home/hub/checkpoints'
    assert not cache.exists() or not any(cache.iterdir())
