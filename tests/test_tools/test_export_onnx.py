from pathlib import Path

import onnx
import pytest

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import TINY
from helpers.readme import run_readme
from helpers.tools import load_tool

export_onnx = load_tool('export_onnx')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory) -> Path:
    return save_random_checkpoint(TINY, tmp_path_factory.mktemp('ckpt') / 'tiny.pth')


@pytest.mark.slow
def test_cli_exports_at_the_config_input_size_and_checks(checkpoint, tmp_path):
    out = tmp_path / 'tiny.onnx'
    report = run_readme('.venv/bin/python tools/export_onnx.py CONFIG CHECKPOINT OUT --check', CONFIG=TINY,
                        CHECKPOINT=checkpoint, OUT=out).stdout
    shape = [d.dim_value for d in onnx.load(str(out)).graph.input[0].type.tensor_type.shape.dim]
    assert shape == [1, 3, 96, 64]
    diff = float(report.split('max abs difference')[1])
    assert diff < 1e-4


@pytest.mark.slow
def test_cli_input_size_and_dynamic_batch(checkpoint, tmp_path):
    out = tmp_path / 'tiny.onnx'
    assert export_onnx.main([str(TINY), str(checkpoint), str(out), '--input-size', '96', '128', '--dynamic-batch']) == 0
    dims = onnx.load(str(out)).graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param and [d.dim_value for d in dims[1:]] == [3, 128, 96]


def test_cli_size_the_model_cannot_take_is_a_clear_error(checkpoint, tmp_path):
    with pytest.raises(SystemExit, match='cannot export .* at \\(64, 100\\)'):
        export_onnx.main([str(TINY), str(checkpoint), str(tmp_path / 'x.onnx'), '--input-size', '64', '100'])
