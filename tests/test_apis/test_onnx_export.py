import json
import sys

import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS

from helpers.paths import TINY
from helpers.tools import run
from mspn_plugin.apis import export_heatmap_onnx
from mspn_plugin.testing import randomise_weights_

# end to end: exports and runner trainings take seconds each
pytestmark = pytest.mark.slow


def tiny_model() -> torch.nn.Module:
    """The tiny config with random weights and BN statistics calibrated on random crops (heatmaps O(1-10))."""
    init_default_scope('mmpose')
    calibration = torch.randn(4, 3, 96, 64, generator=torch.Generator().manual_seed(1))
    return randomise_weights_(MODELS.build(Config.fromfile(str(TINY)).model),
                              calibrate=lambda m: m.head.forward_final(m.extract_feat(calibration)))


@pytest.fixture(scope='module')
def exported(tmp_path_factory) -> dict[bool, str]:
    """The tiny model exported once with a fixed batch (False) and once with a dynamic one (True)."""
    folder = tmp_path_factory.mktemp('onnx')
    return {dynamic: str(export_heatmap_onnx(tiny_model(), folder / f'tiny-{dynamic}.onnx', (64, 96),
                                             dynamic_batch=dynamic)) for dynamic in (False, True)}


@pytest.mark.parametrize('dynamic_batch', [False, True])
def test_onnxruntime_gives_pytorchs_final_heatmaps(exported, dynamic_batch):
    model = tiny_model()
    path = exported[dynamic_batch]
    session = onnxruntime.InferenceSession(str(path), providers=['CPUExecutionProvider'])
    batch = 3 if dynamic_batch else 1
    inputs = torch.randn(batch, 3, 96, 64)
    (heatmaps,) = session.run(None, {'input': inputs.numpy()})
    with torch.no_grad():
        expected = model.head.forward_final(model.extract_feat(inputs)).numpy()
    assert heatmaps.shape == (batch, 17, 24, 16)
    assert np.abs(expected).max() > 1  # a bound of 1e-4 on O(1-10) heatmaps, not on near-zero ones
    assert np.abs(heatmaps - expected).max() < 1e-4


def test_fixed_batch_graph_rejects_another_batch(exported):
    session = onnxruntime.InferenceSession(exported[False], providers=['CPUExecutionProvider'])
    with pytest.raises(Exception, match='(?i)dimension|shape'):
        session.run(None, {'input': np.zeros((2, 3, 96, 64), np.float32)})


def test_metadata_records_the_input_normalisation(exported):
    metadata = {p.key: json.loads(p.value) for p in onnx.load(exported[False]).metadata_props}
    assert metadata['mean'] == pytest.approx([123.675, 116.28, 103.53])
    assert metadata['std'] == pytest.approx([58.395, 57.12, 57.375])
    assert metadata['bgr_to_rgb'] is True and metadata['input_size'] == [64, 96]  # (w, h)


def test_the_inference_api_imports_without_the_export_tools():
    """With onnx, onnxscript and onnxruntime not importable, the inference API imports, and the export says which
    extra it needs."""
    code = ('import sys\n'
            'for name in ("onnx", "onnxscript", "onnxruntime"):\n'
            '    sys.modules[name] = None  # "not installed"\n'
            'from mspn_plugin.apis import PosePredictor, export_heatmap_onnx\n'
            'try:\n'
            '    export_heatmap_onnx(None, "unused.onnx", (64, 96))\n'
            'except ImportError as error:\n'
            '    print(error)\n')
    result = run(sys.executable, '-c', code)
    assert result.stdout.startswith('the ONNX export needs the export extra: pip install "mspn_plugin[export]"')
