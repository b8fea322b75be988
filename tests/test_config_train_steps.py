"""Configs with other down units (configs/coco/) and MSPN parts in other models (configs/mixing/) train one
iteration on the bundled COCO samples and predict."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS, MODELS

from mspn_plugin.testing.configs import on_sample_data

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize('name,size,parts', [
    ('coco/mspn_2xres18_coco-256x192', (64, 64), ('MSPNBackbone', None, 'MSPNHeatmapHead')),
    ('coco/mspn_4xsxcp_coco-256x192', (64, 64), ('MSPNBackbone', None, 'MSPNHeatmapHead')),
    ('mixing/globalnet-mspnhead_hrnet-w32_coco-256x192', (64, 64), ('HRNet', 'GlobalNetNeck', 'MSPNHeatmapHead')),
    ('mixing/mspn-2xres50_heatmaphead_coco-256x192', (64, 64), ('MSPNBackbone', 'SelectStageNeck', 'HeatmapHead')),
    ('mixing/hourglass52-ctf_coco-256x256', (128, 128), ('HourglassNet', None, 'MSPNHeatmapHead')),
])
def test_config_trains_one_iteration_and_predicts(name, size, parts):
    cfg = on_sample_data(Config.fromfile(str(ROOT / f'configs/{name}.py')), size)
    init_default_scope('mmpose')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    assert (type(model.backbone).__name__, type(model.neck).__name__ if model.with_neck else None,
            type(model.head).__name__) == parts

    train_set = DATASETS.build(cfg.train_dataloader.dataset)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    log_vars = model.train_step(pseudo_collate([train_set[i] for i in range(2)]), optim_wrapper)
    assert np.isfinite(log_vars['loss'].item()) and log_vars['loss'].item() > 0
    changed = [n for n, p in model.named_parameters() if not torch.equal(p, before[n])]
    assert any(n.startswith('backbone.') for n in changed) and any(n.startswith('head.') for n in changed)

    model.eval()
    val_set = DATASETS.build(cfg.val_dataloader.dataset)
    sample = val_set[0]
    (pred,) = model.test_step(pseudo_collate([sample]))
    keypoints = pred.pred_instances.keypoints
    assert keypoints.shape == (1, 17, 2) and np.isfinite(keypoints).all()
    # flip test on: predictions are mapped back to the image, inside the (enlarged) person box
    x1, y1, x2, y2 = sample['data_samples'].gt_instances.bboxes[0]
    pad_w, pad_h = (x2 - x1) * 0.5, (y2 - y1) * 0.5
    assert (keypoints[..., 0] >= x1 - pad_w).all() and (keypoints[..., 0] <= x2 + pad_w).all()
    assert (keypoints[..., 1] >= y1 - pad_h).all() and (keypoints[..., 1] <= y2 + pad_h).all()


def test_coarse_to_fine_targets_reach_the_hourglass_stacks():
    cfg = on_sample_data(Config.fromfile(str(ROOT / 'configs/mixing/hourglass52-ctf_coco-256x256.py')), (128, 128))
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    sample = DATASETS.build(cfg.train_dataloader.dataset)[0]
    targets = sample['data_samples'].gt_fields.heatmaps.reshape(2, 17, 32, 32)  # kernel 7, kernel 5
    visible = sample['data_samples'].gt_instance_labels.keypoint_weights[0] > 0
    assert visible.any()
    # the 7x7 target spreads wider than the 5x5 one for the same keypoints
    spread = [(t[visible] > 1).sum().item() for t in targets]
    assert spread[0] > spread[1] > 0
    assert model.head.target_levels == [[0], [1]]
