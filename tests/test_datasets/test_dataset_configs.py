"""Each shipped non-COCO dataset config trains and evaluates a few iterations on made data of its format (its real
pipeline and model, shrunk), and keeps its best checkpoint by its own evaluator's metric."""
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from helpers.configs import on_sample_data
from helpers.paths import ROOT
from mspn_plugin.engine import build_runner, prepare_config

pytestmark = pytest.mark.slow
DATASET_CONFIGS = {
    'configs/body_2d_keypoint/topdown_heatmap/crowdpose/td-hm_2xmspn50_8xb32-96k_crowdpose-256x192.py':
        'crowdpose/AP',
    'configs/body_2d_keypoint/topdown_heatmap/aic/td-hm_2xmspn50_8xb32-96k_aic-256x192.py': 'aic/AP',
    'configs/body_2d_keypoint/topdown_heatmap/ochuman/td-hm_2xmspn50_8xb32-96k_coco-ochuman-256x192.py':
        'ochuman/AP',
    'configs/animal_2d_keypoint/topdown_heatmap/ap10k/td-hm_2xmspn50_8xb32-96k_ap10k-256x192.py': 'ap10k/AP',
}


def shrunk(cfg: Config) -> Config:
    """``cfg`` with a ResNet-18-half, 2-iteration, batch-4, no-worker setting (the sample model's size)."""
    cfg.model.backbone.update(down_unit=dict(cfg.model.backbone.down_unit, depth=18, base_channels=32),
                              up_channels=32)
    cfg.model.head.in_channels = 32
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2, val_interval=2)
    cfg.param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0, end=2)]
    cfg.default_hooks.checkpoint.interval = 2
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        loader.update(batch_size=4, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.sampler = dict(type='InfiniteSampler', shuffle=True)
    return cfg


@pytest.mark.parametrize('path', sorted(DATASET_CONFIGS))
def test_dataset_config_trains_evaluates_and_keeps_its_best(path, tmp_path):
    init_default_scope('mmpose')
    cfg = prepare_config(str(ROOT / path), str(tmp_path / 'work'),
                         {'auto_scale_lr.enable': False, 'auto_scale_iters.enable': False,
                          'val_dataloader.dataset.bbox_file': None, 'test_dataloader.dataset.bbox_file': None})
    cfg = on_sample_data(cfg, (64, 64), tmp_path / 'data')
    dataset = cfg.train_dataloader.dataset
    cfg.test_dataloader = cfg.val_dataloader
    cfg.val_evaluator.ann_file = cfg.test_evaluator.ann_file = f'{dataset.data_root}/{dataset.ann_file}'
    runner = build_runner(shrunk(cfg))
    runner.train()
    metrics = runner.val_loop.run()
    metric = DATASET_CONFIGS[path]
    assert 0.0 <= metrics[metric] <= 1.0
    best = f'best_{metric.replace("/", "_")}_iter_2.pth'
    assert (tmp_path / 'work' / best).is_file(), sorted(p.name for p in (tmp_path / 'work').iterdir())
