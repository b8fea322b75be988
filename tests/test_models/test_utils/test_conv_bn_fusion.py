import copy

import pytest
import torch
from mmpose.models.backbones.resnet import ResNet
from torch.nn.modules.batchnorm import _BatchNorm

from mspn_plugin.models import MSPNBackbone
from mspn_plugin.models.utils import fuse_conv_bn
from mspn_plugin.testing import randomise_weights_


def count_norms(model: torch.nn.Module) -> int:
    return sum(isinstance(m, _BatchNorm) for m in model.modules())


@pytest.mark.parametrize('model', [MSPNBackbone(num_stages=2, down_unit=dict(type='ResNet', depth=18), up_channels=16),
                                   MSPNBackbone(num_stages=1, stem_channels=8, up_channels=8),
                                   ResNet(depth=18)], ids=['mspn-res18', 'mspn-res50', 'mmpose-resnet18'])
def test_every_batchnorm_is_folded_and_outputs_are_kept(model):
    randomise_weights_(model, seed=0)
    fused = fuse_conv_bn(copy.deepcopy(model))
    assert count_norms(model) > 0 and count_norms(fused) == 0
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        expected, actual = model(x), fused(x)
    flat = lambda out: [out] if isinstance(out, torch.Tensor) else [t for o in out for t in flat(o)]  # noqa: E731
    for a, b in zip(flat(expected), flat(actual), strict=True):
        assert (a - b).abs().max() < 1e-4 * max(1.0, a.abs().max())


def test_a_norm_before_its_conv_is_left_alone():
    from mmcv.cnn import ConvModule
    module = ConvModule(4, 4, 1, norm_cfg=dict(type='BN'), order=('norm', 'conv', 'act'))
    assert count_norms(fuse_conv_bn(module)) == 1
