import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import checkpoint as checkpoint_module
from mmengine.runner.checkpoint import CheckpointLoader, _load_checkpoint

import mspn_plugin  # noqa: F401  (installs the weights-only loaders)
from helpers.http_server import serving
from mspn_plugin.checkpoint import CheckpointHashError, UnsafeCheckpointError, download_checkpoint
from mspn_plugin.checkpoint.loading import KEEP_MMENGINE_LOADERS, install_checkpoint_loaders


class RunsCode:
    """Unpickling this object would call os.system."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}',)


def test_checkpoint_with_pickled_code_is_refused(tmp_path):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'payload': RunsCode(marker)}, path)
    with pytest.raises(UnsafeCheckpointError, match='evil.pth.*could run code'):
        _load_checkpoint(str(path), map_location='cpu')
    assert not marker.exists()


def test_mmengine_runtime_objects_load(tmp_path):
    buffer = HistoryBuffer()
    buffer.update(0.5)
    content = {'state_dict': {'w': torch.ones(2)},
               'message_hub': {'log_scalars': {'loss': buffer},
                               'runtime_info': {'sigmas': np.linspace(0, 1, 17, dtype=np.float32),
                                                'iter': np.int64(3), 'lr': np.float64(1e-3)}}}
    path = tmp_path / 'ok.pth'
    torch.save(content, path)
    loaded = _load_checkpoint(str(path), map_location='cpu')
    assert loaded['message_hub']['log_scalars']['loss'].current() == 0.5
    np.testing.assert_array_equal(loaded['message_hub']['runtime_info']['sigmas'],
                                  content['message_hub']['runtime_info']['sigmas'])


def test_missing_and_truncated_checkpoints_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere.pth'):
        _load_checkpoint(str(tmp_path / 'nowhere.pth'))
    path = tmp_path / 'cut.pth'
    torch.save({'state_dict': {'w': torch.ones(1000)}}, path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(RuntimeError, match='cut.pth.*unreadable'):
        _load_checkpoint(str(path))


def test_global_weights_only_switch_is_not_used():
    assert os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD') is None


class ReadsModuleGlobals:
    """Unpickling this object would reach a module's globals through getattr."""

    def __reduce__(self):
        return getattr, (HistoryBuffer.__init__, '__globals__')


def test_getattr_is_limited_to_history_buffer_statistics(tmp_path):
    path = tmp_path / 'sneaky.pth'
    torch.save({'x': ReadsModuleGlobals()}, path)
    with pytest.raises(UnsafeCheckpointError, match='sneaky.pth'):
        _load_checkpoint(str(path))


@pytest.mark.parametrize('keep', [True, False])
def test_mmengine_loaders_stay_when_asked(keep, monkeypatch):
    """What importing the package does (tests/test_engine/test_mmengine_internals.py checks the import's result),
    here on a registry holding MMEngine's own loaders."""
    mmengine_loaders = {'': checkpoint_module.load_from_local, 'http://': checkpoint_module.load_from_http,
                        'https://': checkpoint_module.load_from_http,
                        'torchvision://': checkpoint_module.load_from_torchvision}
    monkeypatch.setattr(CheckpointLoader, '_schemes', dict(mmengine_loaders))
    if keep:
        monkeypatch.setenv(KEEP_MMENGINE_LOADERS, '1')
    else:
        monkeypatch.delenv(KEEP_MMENGINE_LOADERS, raising=False)
    install_checkpoint_loaders()
    modules = {CheckpointLoader._schemes[p].__module__ for p in mmengine_loaders}
    assert modules == ({'mmengine.runner.checkpoint'} if keep else {'mspn_plugin.checkpoint.loading'})


def test_download_named_with_a_hash_prefix_is_verified(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    served = tmp_path / 'served'
    served.mkdir()
    content = tmp_path / 'content.pth'
    torch.save({'state_dict': {'w': torch.arange(6.0)}}, content)
    data = content.read_bytes()
    prefix = hashlib.sha256(data).hexdigest()[:8]
    (served / f'good-{prefix}.pth').write_bytes(data)
    corrupt = bytearray(data)
    corrupt[len(corrupt) // 2] ^= 0xFF
    (served / f'bad-{prefix}.pth').write_bytes(bytes(corrupt))
    actual = hashlib.sha256(corrupt).hexdigest()[:8]
    with serving(served) as base:
        good = download_checkpoint(f'{base}/good-{prefix}.pth')
        assert Path(good).read_bytes() == data
        with pytest.raises(CheckpointHashError) as error:
            download_checkpoint(f'{base}/bad-{prefix}.pth')
    message = str(error.value)
    assert f'{base}/bad-{prefix}.pth' in message and actual in message and prefix in message
    assert '\n' not in message
    assert os.listdir(Path(good).parent) == [Path(good).name]  # neither the bad file nor a partial one
