import pytest
import torch
from mmpose.models.backbones import HRNet, ResNet

from mspn_plugin.models import GlobalNetNeck


def test_on_mmpose_resnet_four_scales():
    backbone = ResNet(depth=18, out_indices=(0, 1, 2, 3))
    backbone.eval()  # MMPose's BaseBackbone.train returns None, so no chaining
    neck = GlobalNetNeck(in_channels=(64, 128, 256, 512), out_channels=256).eval()
    outs = neck(backbone(torch.randn(1, 3, 64, 64)))
    assert [tuple(o.shape) for o in outs] == [(1, 256, s, s) for s in (2, 4, 8, 16)]


def test_on_mmpose_hrnet_four_branches():
    extra = dict(
        stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK', num_blocks=(1,), num_channels=(8,)),
        stage2=dict(num_modules=1, num_branches=2, block='BASIC', num_blocks=(1, 1), num_channels=(8, 16)),
        stage3=dict(num_modules=1, num_branches=3, block='BASIC', num_blocks=(1, 1, 1), num_channels=(8, 16, 32)),
        stage4=dict(num_modules=1, num_branches=4, block='BASIC', num_blocks=(1, 1, 1, 1),
                    num_channels=(8, 16, 32, 64), multiscale_output=True))
    backbone = HRNet(extra=extra)
    backbone.eval()
    neck = GlobalNetNeck(in_channels=(8, 16, 32, 64), out_channels=16).eval()
    outs = neck(backbone(torch.randn(1, 3, 64, 64)))
    assert [tuple(o.shape) for o in outs] == [(1, 16, s, s) for s in (2, 4, 8, 16)]


def test_coarser_information_reaches_the_finest_output():
    torch.manual_seed(0)
    neck = GlobalNetNeck(in_channels=(4, 8), out_channels=8).eval()
    fine, coarse = torch.randn(1, 4, 8, 8), torch.randn(1, 8, 4, 4)
    before = neck([fine, coarse])[-1]
    after = neck([fine, coarse + 1.0])[-1]
    assert not torch.allclose(before, after)
    assert all((o >= 0).all() for o in neck([fine, coarse]))  # ReLU on every scale


def test_wrong_number_of_scales():
    with pytest.raises(ValueError, match='expects 4 feature maps'):
        GlobalNetNeck()([torch.randn(1, 256, 8, 8)])
