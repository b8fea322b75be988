import pytest
import torch
import torchvision
from mmpose.models.backbones import ResNet

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


def imagenet_state_dicts() -> dict[str, tuple[dict, str]]:
    """Random ResNet-18 weights in the layouts users download: torchvision, timm (same names), MMPretrain."""
    torch.manual_seed(0)
    torchvision_sd = torchvision.models.resnet18(weights=None).state_dict()
    mmpretrain_sd = {f'backbone.{k}': v for k, v in ResNet(depth=18).state_dict().items()}
    return {'torchvision': (torchvision_sd, ''), 'timm': ({'state_dict': torchvision_sd}, ''),
            'mmpretrain': ({'state_dict': mmpretrain_sd, 'meta': {}}, 'backbone.')}


@pytest.mark.parametrize('layout', ['torchvision', 'timm', 'mmpretrain'])
def test_imagenet_resnet_init_reaches_the_stem_and_every_stage(tmp_path, layout):
    saved, prefix = imagenet_state_dicts()[layout]
    path = tmp_path / f'{layout}.pth'
    torch.save(saved, path)
    source = saved.get('state_dict', saved)
    source = {k[len(prefix):]: v for k, v in source.items()}
    model = MSPNBackbone(num_stages=3, down_unit=dict(type='ResNet', depth=18), up_channels=32,
                         init_cfg=dict(type='Pretrained', checkpoint=str(path), prefix=prefix))
    model.init_weights()
    ours = model.state_dict()
    torch.testing.assert_close(ours['stem.0.conv.weight'], source['conv1.weight'])
    torch.testing.assert_close(ours['stem.0.bn.running_var'], source['bn1.running_var'])
    for stage in range(3):
        for key in ('layer1.0.conv1.weight', 'layer2.0.downsample.0.weight', 'layer3.1.bn2.running_mean',
                    'layer4.1.conv2.weight'):
            layer, rest = key.split('.', 1)
            ours_key = f'stages.{stage}.down_unit.layers.{int(layer[-1]) - 1}.{rest}'
            torch.testing.assert_close(ours[ours_key], source[key])
    # the parts ImageNet has no weights for keep their random (Kaiming / constant) init
    assert ours['stages.1.transition.conv.weight'].abs().sum() > 0
    assert torch.equal(ours['stages.0.up_unit.lateral_convs.0.bn.weight'], torch.ones(32))


def test_imagenet_init_of_another_depth_names_the_file_and_keys(tmp_path):
    path = tmp_path / 'resnet50.pth'
    torch.save(torchvision.models.resnet50(weights=None).state_dict(), path)
    model = two_stage(dict(type='ResNet', depth=18), init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    with pytest.raises(ValueError, match=r'resnet50\.pth.*stages\.0\.down_unit'):
        model.init_weights()
