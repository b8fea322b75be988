import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from mspn_plugin.models import MSPNBackbone


def tiny(**kwargs) -> MSPNBackbone:
    kwargs.setdefault('down_unit', dict(type='ResNet', depth=18))
    kwargs.setdefault('up_channels', 32)
    return MSPNBackbone(**kwargs)


@pytest.mark.parametrize('num_stages', [1, 2, 3])
@pytest.mark.parametrize('size', [(64, 64), (96, 64)])
def test_output_is_stages_of_coarse_to_fine_maps(num_stages, size):
    model = tiny(num_stages=num_stages).eval()
    height, width = size
    outs = model(torch.randn(2, 3, height, width))
    assert len(outs) == num_stages
    for stage in outs:
        assert [tuple(f.shape) for f in stage] == [
            (2, 32, height // s, width // s) for s in (32, 16, 8, 4)]


@pytest.mark.parametrize('depth,channels', [(18, [64, 128, 256, 512]), (34, [64, 128, 256, 512]),
                                            (50, [256, 512, 1024, 2048]), (101, [256, 512, 1024, 2048]),
                                            (152, [256, 512, 1024, 2048])])
def test_down_units_double_channels_for_every_resnet_depth(depth, channels):
    model = MSPNBackbone(num_stages=1, down_unit=dict(type='ResNet', depth=depth))
    assert model.stages[0].down_unit.out_channels == channels


def test_unknown_depth_is_rejected():
    with pytest.raises(KeyError, match='depth'):
        MSPNBackbone(down_unit=dict(type='ResNet', depth=42))


def test_input_not_divisible_by_32_is_rejected():
    with pytest.raises(ValueError, match='divisible by 32'):
        tiny()(torch.randn(1, 3, 80, 64))


def test_cross_stage_aggregation_switch():
    with_csfa = tiny(num_stages=2)
    without = tiny(num_stages=2, cross_stage_aggregation=False)
    assert with_csfa.stages[1].aggregation is not None and with_csfa.stages[0].aggregation is None
    assert without.stages[1].aggregation is None
    assert without.stages[1].transition is not None
    extra = sum(p.numel() for p in with_csfa.stages[1].aggregation.parameters())
    assert sum(p.numel() for p in with_csfa.parameters()) - sum(p.numel() for p in without.parameters()) == extra


def test_aggregation_changes_the_second_stage_output():
    torch.manual_seed(0)
    model = tiny(num_stages=2).eval()
    x = torch.randn(1, 3, 64, 64)
    out = model(x)[1][-1]
    model.stages[1].aggregation = None
    assert not torch.allclose(out, model(x)[1][-1])


def test_gn_norm_cfg_reaches_every_norm_layer():
    model = tiny(num_stages=2, norm_cfg=dict(type='GN', num_groups=32))
    assert not any(isinstance(m, _BatchNorm) for m in model.modules())
    assert sum(isinstance(m, torch.nn.GroupNorm) for m in model.modules()) > 50


def test_every_parameter_gets_a_gradient():
    model = tiny(num_stages=2)
    outs = model(torch.randn(2, 3, 64, 64))
    sum(f.mean() for stage in outs for f in stage).backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert missing == []


def test_frozen_stages_and_norm_eval():
    model = tiny(num_stages=2, frozen_stages=1, norm_eval=True)
    model.train()
    assert not any(p.requires_grad for p in model.stem.parameters())
    assert not any(p.requires_grad for p in model.stages[0].parameters())
    assert all(p.requires_grad for p in model.stages[1].parameters())
    assert all(not m.training for m in model.modules() if isinstance(m, _BatchNorm))


def test_frozen_stem_only_keeps_stage_norms_training():
    model = tiny(num_stages=1, frozen_stages=0)
    model.train()
    assert not model.stem[0].bn.training
    assert model.stages[0].down_unit.layers[0][0].bn1.training


def test_with_cp_gives_the_same_output_and_gradients():
    torch.manual_seed(0)
    plain = tiny(num_stages=1)
    checkpointed = tiny(num_stages=1, with_cp=True)
    checkpointed.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 64, 64)
    outs = [m(x)[0][-1] for m in (plain, checkpointed)]
    torch.testing.assert_close(outs[0], outs[1])
    for out in outs:
        out.sum().backward()
    grad = [m.stages[0].down_unit.layers[0][0].conv1.weight.grad for m in (plain, checkpointed)]
    torch.testing.assert_close(grad[0], grad[1], rtol=1e-4, atol=1e-5 * grad[0].abs().max().item())


def test_pretrained_init_cfg_from_a_local_file(tmp_path):
    source = tiny(num_stages=1)
    path = tmp_path / 'backbone.pth'
    torch.save({'state_dict': source.state_dict()}, path)
    model = tiny(num_stages=1, init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    model.init_weights()
    for key, value in source.state_dict().items():
        torch.testing.assert_close(model.state_dict()[key], value)


@pytest.mark.parametrize('frozen', [-2, 3])
def test_frozen_stages_out_of_range(frozen):
    with pytest.raises(ValueError, match='frozen_stages'):
        tiny(num_stages=2, frozen_stages=frozen)
