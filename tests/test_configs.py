"""Every shipped config: loads, builds, counts what the paper counts, and (slow) runs at its own input size,
back-propagates a training loss on the bundled samples into backbone and head, then predicts."""
import re

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpose.models.backbones import MSPN
from mmpose.models.heads import MSPNHead
from mmpose.registry import DATASETS, MODELS
from torch.nn.modules.batchnorm import _BatchNorm

from helpers.configs import on_sample_data
from helpers.paths import COCO_2XMSPN50, COCO_CONFIGS, ROOT
from mspn_plugin.models.utils import HeatmapNetwork

# pose configs (MMDetection's live in demo/mmdetection_cfg/)
CONFIGS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)
# the input size each config trains at in the one-iteration test: its own divided down, within its constraints
HOURGLASS52 = (COCO_CONFIGS / 'td-hm_hourglass52_ctf-8xb32-96k_coco-256x256.py').relative_to(ROOT).as_posix()
SMALL_INPUT = {HOURGLASS52: (128, 128)}


def load(path: str) -> Config:
    init_default_scope('mmpose')
    return Config.fromfile(str(ROOT / path))


def num_params(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def build_on_meta(cfg: Config) -> torch.nn.Module:
    """The model with its parameters on the meta device (shapes only): counts without the cost of the weights."""
    with torch.device('meta'):
        return MODELS.build(cfg.model)


@pytest.mark.parametrize('path', CONFIGS)
def test_config_loads_our_package_and_states_its_source(path):
    cfg = load(path)
    assert 'mspn_plugin' in cfg.custom_imports['imports']
    assert cfg.runner_type == 'SafeRunner'
    text = (ROOT / path).read_text()
    header = re.match(r'(#.*\n)*', text)[0]  # the leading comment
    # what the config is, and where its numbers (or its recipe) come from
    assert header and re.search(r'\b(Paper|paper|authors|MMPose|recipe)\b', header), header
    # the configs it names in its comments exist (a rename would leave stale names behind)
    named = set(re.findall(r'[\w.-]+_[\w.-]+\.py\b', ''.join(re.findall(r'#.*', text)))) - {'network.py', 'train.py'}
    existing = {p.name for p in (ROOT / 'configs').rglob('*.py')}
    assert named <= existing, named - existing


def test_the_readme_model_zoo_lists_every_config():
    section = (ROOT / 'README.md').read_text().split('## Model zoo')[1].split('\n## ')[0]
    zoo = [f'{folder}{name}' for folder, table in re.findall(r'^### `(configs/[^`]+/)`\n(.*?)(?=^### |\Z)', section,
                                                              re.M | re.S)
           for name in re.findall(r'^\| `([^`]+\.py)` \|', table, re.M)]
    assert sorted(zoo) == CONFIGS


@pytest.mark.parametrize('num_stages,millions', [(1, 25.11), (2, 56.80), (3, 88.5), (4, 120.2)])
def test_resnet50_parameter_counts_equal_mmpose(num_stages, millions):
    model = build_on_meta(load(COCO_CONFIGS / f'td-hm_{num_stages}xmspn50_8xb32-96k_coco-256x192.py'))
    with torch.device('meta'):
        reference = num_params(MSPN(num_stages=num_stages, num_blocks=[3, 4, 6, 3], init_cfg=None)) + num_params(
            MSPNHead(num_stages=num_stages, out_shape=(64, 48), level_indices=list(range(4 * num_stages))))
    assert num_params(model) == reference
    assert round(num_params(model) / 1e6, 2 if num_stages < 3 else 1) == millions
    assert model.head.num_stages == model.backbone.num_stages == num_stages


def test_group_norm_leaves_no_batch_norm_in_the_backbone():
    cfg = load(COCO_2XMSPN50)
    cfg.model.backbone.norm_cfg = dict(type='GN', num_groups=32)
    assert not any(isinstance(m, _BatchNorm) for m in build_on_meta(cfg).backbone.modules())


def uniform_in_place_of_normal(tensor: torch.Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None
                               ) -> torch.Tensor:
    return tensor.uniform_(mean - std, mean + std, generator=generator)


@pytest.mark.slow
@pytest.mark.parametrize('path', CONFIGS)
def test_config_runs_at_its_input_size_and_its_loss_reaches_backbone_and_head(path, tmp_path, monkeypatch):
    # Gaussian fills are most of init_weights' time (6 s for the 8-stack hourglass on one thread) and their
    # distribution is not what this test checks: a uniform fill of the same scale, every init_cfg still applied
    monkeypatch.setattr(torch.Tensor, 'normal_', uniform_in_place_of_normal)
    cfg = load(path)
    width, height = cfg.model.head.decoder.input_size
    cfg = on_sample_data(cfg, SMALL_INPUT.get(path, (64, 64)), tmp_path)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()

    # at the config's own input size, shapes only (on the meta device: the real computation runs below, smaller)
    with torch.device('meta'), torch.no_grad():
        heatmaps = HeatmapNetwork.of(build_on_meta(cfg).eval())(torch.empty(1, 3, height, width))
    assert heatmaps.shape == (1, cfg.model.head.out_channels, height // 4, width // 4)

    # one training iteration up to the optimizer's step: the step is the same Adam in every config (built here from
    # the config, stepped by the demo and the training tests) and costs a second of a 120M-parameter model's time
    model.train()
    build_optim_wrapper(model, cfg.optim_wrapper)
    train_set = DATASETS.build(cfg.train_dataloader.dataset)
    data = model.data_preprocessor(pseudo_collate([train_set[i] for i in range(2)]), training=True)
    loss, _ = model.parse_losses(model(**data, mode='loss'))
    assert torch.isfinite(loss) and loss.item() > 0
    loss.backward()
    learning = [n for n, p in model.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0]
    assert any(n.startswith('backbone.') for n in learning) and any(n.startswith('head.') for n in learning)
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)

    model.eval()
    sample = DATASETS.build(cfg.val_dataloader.dataset)[0]
    (pred,) = model.test_step(pseudo_collate([sample]))
    keypoints = pred.pred_instances.keypoints
    assert keypoints.shape == (1, cfg.model.head.out_channels, 2) and np.isfinite(keypoints).all()
    # flip test on: predictions are mapped back to the image, inside the crop the network saw (give or take the
    # sub-pixel shift of a heatmap cell); a keypoint without a positive peak sits one cell outside, by MMPose's rule
    center, scale = sample['data_samples'].metainfo['input_center'], sample['data_samples'].metainfo['input_scale']
    cell = scale / (np.array(cfg.model.head.decoder.input_size) / 4)  # heatmaps at a quarter of the input
    peaked = pred.pred_instances.keypoint_scores[0] > 0
    assert peaked.any()
    assert (np.abs(keypoints[0][peaked] - center) < scale / 2 + cell).all(), (keypoints, center, scale)


def test_coarse_to_fine_targets_reach_the_hourglass_stacks():
    cfg = on_sample_data(load(HOURGLASS52), (128, 128))
    model = build_on_meta(cfg)
    sample = DATASETS.build(cfg.train_dataloader.dataset)[0]
    targets = sample['data_samples'].gt_fields.heatmaps.reshape(2, 17, 32, 32)  # kernel 7, kernel 5
    visible = sample['data_samples'].gt_instance_labels.keypoint_weights[0] > 0
    assert visible.any()
    # the 7x7 target spreads wider than the 5x5 one for the same keypoints
    spread = [(t[visible] > 1).sum().item() for t in targets]
    assert spread[0] > spread[1] > 0
    assert model.head.target_levels == [[0], [1]]
