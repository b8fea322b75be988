import pytest
import torch

from mspn_plugin.models import MSPNBackbone
from mspn_plugin.models.backbones import BackboneLayersDownUnit, XceptionDownUnit


def two_stage(down_unit: dict, **kwargs) -> MSPNBackbone:
    return MSPNBackbone(num_stages=2, down_unit=down_unit, up_channels=32, **kwargs)


@pytest.mark.parametrize('down_unit,channels', [
    (dict(type='ResNet', depth=18), [64, 128, 256, 512]),
    (dict(type='ResNeXt', depth=50, groups=8, width_per_group=4), [256, 512, 1024, 2048]),
    (dict(type='ResNetV1d', depth=18), [64, 128, 256, 512]),
    (dict(type='XceptionDownUnit', channels=(32, 64, 128, 256), num_blocks=(1, 1, 2, 1)), [32, 64, 128, 256]),
])
def test_other_down_units_give_stages_of_coarse_to_fine_maps(down_unit, channels):
    model = two_stage(down_unit).eval()
    assert model.stages[1].down_unit.out_channels == channels
    outs = model(torch.randn(1, 3, 64, 96))
    assert [[tuple(f.shape) for f in stage] for stage in outs] == [
        [(1, 32, 64 // s, 96 // s) for s in (32, 16, 8, 4)]] * 2


def test_resnext_blocks_are_grouped():
    model = two_stage(dict(type='ResNeXt', depth=50, groups=8, width_per_group=4))
    assert model.stages[0].down_unit.layers[0][0].conv2.groups == 8


def test_xception_down_unit_is_depthwise_separable_and_doubles_channels():
    unit = XceptionDownUnit(in_channels=16, channels=(24, 48, 96, 192), num_blocks=(1, 2, 1, 1))
    depthwise = [m for m in unit.modules() if isinstance(m, torch.nn.Conv2d) and m.groups == m.in_channels > 1]
    assert len(depthwise) == 3 * 5
    outs = unit(torch.randn(2, 16, 32, 32))
    assert [tuple(o.shape) for o in outs] == [(2, 24, 32, 32), (2, 48, 16, 16), (2, 96, 8, 8), (2, 192, 4, 4)]


def test_down_unit_without_four_layers_needs_layer_names():
    with pytest.raises(ValueError, match='layer_names'):
        BackboneLayersDownUnit(dict(type='MobileNetV2', out_indices=(1, 2, 4, 7)), in_channels=64)
    with pytest.raises(ValueError, match='no sub-module'):
        BackboneLayersDownUnit(dict(type='ResNet', depth=18), in_channels=64,
                               layer_names=['layer1', 'layer2', 'layer3', 'layer9'])


def test_unregistered_down_unit_is_named():
    with pytest.raises(KeyError, match='NoSuchNet'):
        two_stage(dict(type='NoSuchNet'))
