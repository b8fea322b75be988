"""Our MSPN equals MMPose's: convert a random MMPose model (with random BN statistics) and compare."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmpose.models.backbones import MSPN
from mmpose.models.heads import MSPNHead

from mspn_plugin.apis import convert_mmpose_state_dict
from mspn_plugin.models import MSPNBackbone, MSPNHeatmapHead

ROOT = Path(__file__).resolve().parents[2]
HEIGHT, WIDTH = 64, 64


class Wrapper(torch.nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone, self.head = backbone, head


def mmpose_model(num_stages: int) -> Wrapper:
    torch.manual_seed(num_stages)
    backbone = MSPN(num_stages=num_stages, num_blocks=[3, 4, 6, 3], init_cfg=None)
    head = MSPNHead(num_stages=num_stages, out_shape=(HEIGHT // 4, WIDTH // 4), out_channels=17,
                    level_indices=list(range(num_stages * 4)))
    model = Wrapper(backbone, head)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.2, 0.5)
                module.bias.uniform_(-0.2, 0.2)
            elif isinstance(module, torch.nn.Conv2d):
                # scaled so that activations stay O(1) through 100+ layers and the 1e-4 bound is meaningful
                torch.nn.init.normal_(module.weight, std=(1.0 / module.weight[0].numel()) ** 0.5)
    return model.eval()


def our_model(num_stages: int) -> Wrapper:
    codec = dict(type='CoarseToFineHeatmap', input_size=(WIDTH, HEIGHT))
    return Wrapper(MSPNBackbone(num_stages=num_stages),
                   MSPNHeatmapHead(num_stages=num_stages, out_channels=17, decoder=codec)).eval()


@pytest.mark.parametrize('num_stages', [1, 2])
def test_converted_mmpose_model_gives_the_same_final_heatmaps(num_stages):
    reference = mmpose_model(num_stages)
    ours = our_model(num_stages)
    converted = convert_mmpose_state_dict(reference.state_dict())
    ours.load_state_dict(converted, strict=True)
    x = torch.randn(2, 3, HEIGHT, WIDTH)
    with torch.no_grad():
        expected = reference.head(reference.backbone(x))
        feats = ours.backbone(x)
        final = ours.head.forward_final(feats)
        every = ours.head(feats)
    assert 0.1 < expected[-1].abs().max() < 100
    assert (final - expected[-1]).abs().max() < 1e-4
    flat = [hm for stage in every for hm in stage]
    assert max((a - b).abs().max() for a, b in zip(flat, expected, strict=True)) < 1e-4


def test_zero_x_and_module_prefixes_are_accepted():
    state = mmpose_model(1).state_dict()
    old = {('keypoint_head.' + k[5:] if k.startswith('head.') else k): v for k, v in state.items()}
    prefixed = {'module.' + k: v for k, v in state.items()}
    assert convert_mmpose_state_dict(old).keys() == convert_mmpose_state_dict(prefixed).keys()


def test_unknown_keys_are_named():
    with pytest.raises(KeyError, match='head.prm.weight'):
        convert_mmpose_state_dict({'head.prm.weight': torch.zeros(1)})


def test_cli_converts_a_runner_style_checkpoint(tmp_path):
    reference = mmpose_model(2)
    src, dst = tmp_path / 'mmpose.pth', tmp_path / 'ours.pth'
    torch.save({'meta': {'epoch': 3}, 'state_dict': reference.state_dict()}, src)
    result = subprocess.run([sys.executable, str(ROOT / 'tools/convert_checkpoint.py'), '--from', 'mmpose',
                             str(src), str(dst)], capture_output=True, text=True, check=True)
    assert 'wrote' in result.stdout
    ours = our_model(2)
    ours.load_state_dict(torch.load(dst, weights_only=True)['state_dict'], strict=True)


def test_cli_reports_a_non_mspn_checkpoint(tmp_path):
    src = tmp_path / 'other.pth'
    torch.save({'state_dict': {'backbone.conv1.weight': torch.zeros(1)}}, src)
    result = subprocess.run([sys.executable, str(ROOT / 'tools/convert_checkpoint.py'), '--from', 'mmpose',
                             str(src), str(tmp_path / 'out.pth')], capture_output=True, text=True)
    assert result.returncode != 0
    assert 'other.pth' in result.stderr and 'backbone.conv1.weight' in result.stderr
