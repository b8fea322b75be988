"""The paper configs train as the published numbers were obtained: ImageNet initialisation through MMEngine's
loader, the authors' learning rate and schedule, the authors' MPII recipe."""
import time

import pytest
import torch
import torchvision
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmpose.registry import MODELS, PARAM_SCHEDULERS

from helpers.configs import data_options
from helpers.paths import COCO_2XMSPN50, MPII_4XMSPN50, SAMPLES
from helpers.tools import load_tool
from mspn_plugin.checkpoint import cached_download_path, torchvision_url
from mspn_plugin.engine import prepare_config

OFFLINE = {'HTTP_PROXY': 'http://127.0.0.1:9', 'HTTPS_PROXY': 'http://127.0.0.1:9'}  # a closed port: no network


def authors_lr(iteration: int, base_lr: float = 5e-4, num_gpu: int = 8, warmup: int = 2400,
               max_iter: int = 96000) -> float:
    """The authors' lib/utils/solver.py: BASE_LR x num_gpu, linear warm-up from 0.1x, then linear to 0."""
    factor = (0.1 + 0.9 * iteration / warmup if iteration < warmup
              else 1 - (iteration - warmup) / (max_iter - warmup))
    return base_lr * num_gpu * factor


def runner_for(config, work_dir, auto_scale_lr: bool = False) -> Runner:
    """A runner of ``config`` as tools/train.py builds it, its model shrunk (the optimiser does not depend on it)
    and without the ImageNet weights and detections that are not here."""
    small_model = {'model.backbone.num_stages': 1, 'model.backbone.down_unit.depth': 18,
                   'model.backbone.up_channels': 16, 'model.head.num_stages': 1, 'model.head.in_channels': 16}
    cfg = prepare_config(str(config), str(work_dir), {'model.backbone.init_cfg': None,
                                                      'val_dataloader.dataset.bbox_file': None,
                                                      'test_dataloader.dataset.bbox_file': None, **small_model},
                         auto_scale_lr=auto_scale_lr)
    return Runner.from_cfg(cfg)


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    for key, value in OFFLINE.items():
        monkeypatch.setenv(key, value)
    return tmp_path / 'torch_home'


@pytest.mark.slow
def test_imagenet_weights_come_from_the_torch_hub_cache(torch_home):
    """A random ResNet-50 placed where MMEngine's torchvision://resnet50 is cached reaches the stem and the down
    unit of every stage, exactly; nothing is downloaded (the network is closed)."""
    path = cached_download_path(torchvision_url('torchvision://resnet50'))
    assert path.startswith(str(torch_home)) and path.endswith('resnet50-0676ba61.pth')
    torch.manual_seed(0)
    resnet = torchvision.models.resnet50(weights=None).state_dict()
    (torch_home / 'hub/checkpoints').mkdir(parents=True)
    torch.save(resnet, path)
    init_default_scope('mmpose')
    model = MODELS.build(Config.fromfile(str(COCO_2XMSPN50)).model)
    assert model.backbone.pretrained[0]['checkpoint'] == 'torchvision://resnet50'
    model.init_weights()
    ours = model.backbone.state_dict()
    assert torch.equal(ours['stem.0.conv.weight'], resnet['conv1.weight'])
    assert torch.equal(ours['stem.0.bn.running_var'], resnet['bn1.running_var'])
    for stage in range(2):
        for key, value in resnet.items():
            layer, _, rest = key.partition('.')
            if layer.startswith('layer'):
                assert torch.equal(ours[f'stages.{stage}.down_unit.layers.{int(layer[-1]) - 1}.{rest}'], value), key


@pytest.mark.slow
def test_without_the_file_and_without_network_training_stops_with_one_line(torch_home, tmp_path, capfd):
    start = time.monotonic()
    status = load_tool('train').main([str(COCO_2XMSPN50), '--work-dir', str(tmp_path / 'work'), '--cfg-options',
                                      *data_options(str(SAMPLES), 'test_coco.json')])
    elapsed = time.monotonic() - start
    error = capfd.readouterr().err.strip().splitlines()[-1]
    assert status == 1 and elapsed < 60
    assert error.startswith('error: ') and 'resnet50-0676ba61.pth' in error and str(torch_home) in error
    assert 'model.backbone.init_cfg.checkpoint=' in error and 'Traceback' not in error


@pytest.mark.slow
def test_learning_rate_is_the_authors_at_8x32_and_scales_with_the_batch(tmp_path):
    runner = runner_for(COCO_2XMSPN50, tmp_path / 'a')
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    runner.scale_lr(runner.optim_wrapper, runner.auto_scale_lr)
    assert runner.optim_wrapper.get_lr()['lr'] == [pytest.approx(authors_lr(2400))] == [pytest.approx(4e-3)]

    runner = runner_for(COCO_2XMSPN50, tmp_path / 'b', auto_scale_lr=True)  # what tools/train.py --auto-scale-lr does
    runner._world_size = 4  # 4 GPUs x 32
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    runner.scale_lr(runner.optim_wrapper, runner.auto_scale_lr)
    assert runner.optim_wrapper.get_lr()['lr'] == [pytest.approx(2e-3)]


def test_schedule_follows_the_authors_formula():
    cfg = Config.fromfile(str(COCO_2XMSPN50))
    max_iters = cfg.train_cfg.max_iters
    assert max_iters == 96000
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=cfg.optim_wrapper.optimizer.lr)
    schedulers = [PARAM_SCHEDULERS.build(dict(scheduler, optimizer=optimizer)) for scheduler in cfg.param_scheduler]
    seen = {}
    for iteration in range(max_iters + 1):
        if iteration in (0, 1200, 2400, 48000, max_iters - 1, max_iters):
            seen[iteration] = optimizer.param_groups[0]['lr']
        for scheduler in schedulers:  # as MMEngine's ParamSchedulerHook steps them after every iteration
            scheduler.step()
    for iteration, lr in seen.items():
        assert lr == pytest.approx(authors_lr(iteration), rel=1e-6, abs=1e-12), iteration
    assert seen[0] == pytest.approx(4e-4) and seen[2400] == pytest.approx(4e-3) and seen[max_iters] == 0


def test_mpii_follows_the_authors_mpii_recipe():
    cfg = Config.fromfile(str(MPII_4XMSPN50))
    steps = {step['type']: step for step in cfg.train_dataloader.dataset.pipeline}
    assert steps['GetBBoxCenterScale']['padding'] == 1.25
    assert steps['UniformScaleRotation']['max_rotation'] == 60 and steps['UniformScaleRotation']['rotate_prob'] == 0.5
    assert tuple(steps['UniformScaleRotation']['scale_range']) == (0.75, 1.25)
    assert steps['UpperLowerBodyCrop']['prob'] == 0.5 and steps['UpperLowerBodyCrop']['min_keypoints'] == 8
    assert cfg.train_cfg.max_iters == 28800 and cfg.param_scheduler[1]['end'] == 28800 + 1
    assert cfg.model.head.decoder.test_kernel_size == 9
    assert {step['type']: step for step in cfg.val_dataloader.dataset.pipeline}['GetBBoxCenterScale']['padding'] == 1.25
