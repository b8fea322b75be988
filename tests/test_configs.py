"""Every shipped config loads, builds our components, and (slow) runs a forward pass."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.models.backbones import MSPN
from mmpose.models.heads import MSPNHead
from mmpose.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

ROOT = Path(__file__).resolve().parents[1]
# MSPN configs; configs/detectors/ holds MMDetection configs (tests/test_tools/test_infer.py) and
# configs/mixing/ MSPN parts in other models (tests/test_mixing_configs.py)
CONFIGS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / 'configs').rglob('*.py')
                 if not {'_base_', 'detectors', 'mixing'} & set(p.parts))


def load(path: str) -> Config:
    cfg = Config.fromfile(str(ROOT / path))
    init_default_scope('mmpose')
    return cfg


def num_params(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_the_issue_configs_exist():
    expected = {f'configs/coco/mspn_{n}xres50_coco-256x192.py' for n in (1, 2, 3, 4)} | {
        'configs/coco/mspn_4xres50_coco-384x288.py', 'configs/coco/mspn_2xres18_coco-256x192.py',
        'configs/mpii/mspn_4xres50_mpii-256x256.py'}
    assert expected <= set(CONFIGS)


@pytest.mark.parametrize('path', CONFIGS)
def test_config_builds_our_components(path):
    cfg = load(path)
    assert 'mspn_plugin' in cfg.custom_imports['imports']
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'MSPNBackbone'
    assert type(model.head).__name__ == 'MSPNHeatmapHead'
    assert model.head.num_stages == model.backbone.num_stages


@pytest.mark.parametrize('num_stages,millions', [(1, 25.11), (2, 56.80), (3, 88.5), (4, 120.2)])
def test_resnet50_parameter_counts_equal_mmpose(num_stages, millions):
    model = MODELS.build(load(f'configs/coco/mspn_{num_stages}xres50_coco-256x192.py').model)
    reference = num_params(MSPN(num_stages=num_stages, num_blocks=[3, 4, 6, 3], init_cfg=None)) + num_params(
        MSPNHead(num_stages=num_stages, out_shape=(64, 48), level_indices=list(range(4 * num_stages))))
    assert num_params(model) == reference
    assert round(num_params(model) / 1e6, 2 if num_stages < 3 else 1) == millions


def test_group_norm_leaves_no_batch_norm_in_the_backbone():
    cfg = load('configs/coco/mspn_2xres50_coco-256x192.py')
    cfg.model.backbone.norm_cfg = dict(type='GN', num_groups=32)
    backbone = MODELS.build(cfg.model).backbone
    assert not any(isinstance(m, _BatchNorm) for m in backbone.modules())


@pytest.mark.slow
@pytest.mark.parametrize('path', CONFIGS)
def test_config_forward_pass_at_its_input_size(path):
    cfg = load(path)
    model = MODELS.build(cfg.model).eval()
    width, height = cfg.model.head.decoder.input_size
    with torch.no_grad():
        feats = model.extract_feat(torch.randn(1, 3, height, width))
        heatmaps = model.head.forward_final(feats)
    assert heatmaps.shape == (1, cfg.model.head.out_channels, height // 4, width // 4)
    assert torch.isfinite(heatmaps).all()
    if path.endswith('384x288.py'):
        assert heatmaps.shape[-2:] == (96, 72)


def test_mpii_config_pipeline_trains_and_predicts_on_the_mpii_samples():
    from mmengine.dataset import pseudo_collate
    from mmpose.registry import DATASETS

    cfg = load('configs/mpii/mspn_4xres50_mpii-256x256.py')
    samples = dict(data_root=str(ROOT / 'tests/data/mpii'), ann_file='test_mpii.json', data_prefix=dict(img=''))
    cfg.train_dataloader.dataset.update(samples)
    cfg.val_dataloader.dataset.update(samples, headbox_file=None)
    cfg.model.backbone.update(num_stages=1, down_unit=dict(type='ResNet', depth=18))
    cfg.model.head.update(num_stages=1, kernel_schedule=[[11, 9, 7, 5]])
    model = MODELS.build(cfg.model)
    train_set = DATASETS.build(cfg.train_dataloader.dataset)
    data = model.data_preprocessor(pseudo_collate([train_set[i] for i in range(2)]), training=True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_stage1']) and losses['loss_stage1'] > 0
    model.eval()
    val_set = DATASETS.build(cfg.val_dataloader.dataset)
    preds = model.test_step(pseudo_collate([val_set[0]]))
    assert preds[0].pred_instances.keypoints.shape == (1, 16, 2)
