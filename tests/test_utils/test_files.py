import json
import os

import pytest

from mspn_plugin.utils.files import atomic_open, atomic_write_json


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / 'predictions.json'
    atomic_write_json([1, 2], str(path))
    with pytest.raises(RuntimeError, match='killed'):
        with atomic_open(str(path)) as f:
            f.write('[3, 4, 5')
            raise RuntimeError('killed halfway')
    assert json.loads(path.read_text()) == [1, 2]
    assert os.listdir(tmp_path) == ['predictions.json']  # no temporary file left behind


def test_a_completed_write_replaces_the_file(tmp_path):
    path = tmp_path / 'out.bin'
    path.write_bytes(b'old')
    with atomic_open(str(path), 'wb') as f:
        f.write(b'new content')
    assert path.read_bytes() == b'new content' and os.listdir(tmp_path) == ['out.bin']
