"""ImageNet ResNet weights into an MSPN trunk: local files in three layouts, torchvision:// through the download
cache, and the one-line error when the file is neither cached nor downloadable."""
import pytest
import torch
import torchvision
from mmpose.models.backbones import ResNet

from mspn_plugin.models import MSPNBackbone


def two_stage(down_unit: dict, **kwargs) -> MSPNBackbone:
    return MSPNBackbone(num_stages=2, down_unit=down_unit, up_channels=32, **kwargs)


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
