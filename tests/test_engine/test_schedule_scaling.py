"""The paper schedules at 1, 4, 8 and 16 GPUs, against the authors' train.py and solver.py."""
import pytest
import torch
from mmengine.config import Config
from mmpose.registry import PARAM_SCHEDULERS

from helpers.paths import COCO_2XMSPN50, MPII_4XMSPN50, SAMPLE_CONFIG
from mspn_plugin.engine import SafeRunner, fit_schedule, launcher_world_size


def authors_schedule(num_gpu: int, max_iter: int = 96000, checkpoint_period: int = 2400) -> dict:
    """What the authors' train.py runs on ``num_gpu`` GPUs of 32 images (exps/*/train.py, lib/utils/solver.py)."""
    return dict(max_iter=int(max_iter * 8 / num_gpu), checkpoint_period=int(checkpoint_period * 8 / num_gpu),
                warmup_iters=2400, lr=5e-4 * num_gpu)


def authors_lr(iteration: int, num_gpu: int, max_iter: int = 96000, warmup: int = 2400) -> float:
    """The authors' LambdaLR: BASE_LR x num_gpu, linear warm-up from 0.1x, then linear to 0 at the scaled end."""
    max_iter = authors_schedule(num_gpu, max_iter)['max_iter']
    factor = (0.1 + 0.9 * iteration / warmup if iteration < warmup
              else 1 - (iteration - warmup) / (max_iter - warmup))
    return 5e-4 * num_gpu * factor


def learning_rates(cfg: Config, lr: float, iterations: set[int]) -> dict[int, float]:
    """The rate at ``iterations`` when MMEngine's schedulers of ``cfg`` are stepped after every iteration."""
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    schedulers = [PARAM_SCHEDULERS.build(dict(scheduler, optimizer=optimizer)) for scheduler in cfg.param_scheduler]
    seen = {}
    for iteration in range(max(iterations) + 1):
        if iteration in iterations:
            seen[iteration] = optimizer.param_groups[0]['lr']
        for scheduler in schedulers:
            scheduler.step()
    return seen


@pytest.mark.parametrize('num_gpus', [1, 4, 8, 16])
def test_coco_schedule_runs_the_authors_iterations_at_any_gpu_count(num_gpus):
    cfg = Config.fromfile(str(COCO_2XMSPN50))
    fit_schedule(cfg, num_gpus)
    expected = authors_schedule(num_gpus)
    assert cfg.train_cfg.max_iters == expected['max_iter']
    assert cfg.default_hooks.checkpoint.interval == expected['checkpoint_period']
    assert cfg.train_cfg.val_interval == 2 * expected['checkpoint_period']
    warmup, decay = cfg.param_scheduler
    assert (warmup.begin, warmup.end, decay.begin) == (0, expected['warmup_iters'] + 1, expected['warmup_iters'])
    assert decay.end == expected['max_iter'] + 1
    # MMEngine's auto_scale_lr, on in the config, gives the authors' BASE_LR x num_gpu
    total = num_gpus * cfg.train_dataloader.batch_size
    assert cfg.auto_scale_lr.enable
    assert cfg.optim_wrapper.optimizer.lr * total / cfg.auto_scale_lr.base_batch_size == pytest.approx(expected['lr'])
    images = cfg.train_cfg.max_iters * total
    assert images == 96000 * 256


@pytest.mark.parametrize('num_gpus', [4, 8, 16])
def test_coco_learning_rate_follows_the_authors_curve(num_gpus):
    cfg = Config.fromfile(str(COCO_2XMSPN50))
    fit_schedule(cfg, num_gpus)
    lr = cfg.optim_wrapper.optimizer.lr * num_gpus * 32 / 256
    end = cfg.train_cfg.max_iters
    seen = learning_rates(cfg, lr, {0, 1200, 2400, end // 2, end - 1, end})
    for iteration, value in seen.items():
        assert value == pytest.approx(authors_lr(iteration, num_gpus), rel=1e-6, abs=1e-12), iteration
    assert seen[end] == 0


@pytest.mark.parametrize('num_gpus', [4, 16])
def test_mpii_schedule_runs_the_authors_iterations(num_gpus):
    cfg = Config.fromfile(str(MPII_4XMSPN50))
    fit_schedule(cfg, num_gpus)
    expected = authors_schedule(num_gpus, max_iter=28800, checkpoint_period=1600)
    assert cfg.train_cfg.max_iters == expected['max_iter']
    assert cfg.default_hooks.checkpoint.interval == cfg.train_cfg.val_interval == expected['checkpoint_period']
    assert cfg.param_scheduler[0].end == 2401 and cfg.param_scheduler[1].end == expected['max_iter'] + 1


def test_other_batch_sizes_keep_the_images_seen():
    cfg = Config.fromfile(str(COCO_2XMSPN50))
    cfg.train_dataloader.batch_size = 48
    fit_schedule(cfg, 4)
    assert cfg.train_cfg.max_iters == 96000 * 256 // (4 * 48) == 128000


def test_an_overridden_length_ends_the_decay_with_it():
    """train_cfg.max_iters set on the command line (no rescaling): the decay still reaches 0 at the last iteration,
    not at 96k."""
    cfg = Config.fromfile(str(COCO_2XMSPN50))
    cfg.merge_from_dict({'train_cfg.max_iters': 6000, 'auto_scale_iters.enable': False})
    assert fit_schedule(cfg, 4) is None
    seen = learning_rates(cfg, 4e-3, {2400, 4200, 6000})
    assert seen[4200] == pytest.approx(4e-3 * 0.5) and seen[6000] == 0


def test_without_auto_scale_iters_the_schedule_is_as_written():
    cfg = Config.fromfile(str(SAMPLE_CONFIG))
    written = Config.fromfile(str(SAMPLE_CONFIG))
    assert fit_schedule(cfg, 2) is None
    assert cfg.train_cfg == written.train_cfg and cfg.default_hooks.checkpoint == written.default_hooks.checkpoint
    # the decay's end, implicit in the config, made explicit at the written length (MMEngine's LinearLR reaches its
    # end factor one step before its end)
    assert cfg.param_scheduler[0] == written.param_scheduler[0]
    assert cfg.param_scheduler[1] == dict(written.param_scheduler[1], end=written.train_cfg.max_iters + 1)


@pytest.mark.parametrize('launcher, variable', [('pytorch', 'WORLD_SIZE'), ('slurm', 'SLURM_NTASKS'),
                                                ('mpi', 'OMPI_COMM_WORLD_SIZE')])
def test_the_world_size_comes_from_the_launchers_environment(launcher, variable, monkeypatch):
    monkeypatch.setenv(variable, '16')
    assert launcher_world_size(launcher) == 16
    assert launcher_world_size('none') == 1


def test_the_runner_built_from_a_config_runs_and_saves_the_fitted_schedule(tmp_path, monkeypatch):
    """SafeRunner (the configs' runner_type, also under mim and MMPose's tools) fits the schedule before anything is
    built: 4 processes of 32 train the authors' 192k iterations, and the config it saves says so."""
    cfg = Config.fromfile(str(COCO_2XMSPN50))
    cfg.merge_from_dict({'model.backbone.init_cfg': None, 'model.backbone.num_stages': 1,
                         'model.backbone.down_unit.depth': 18, 'model.backbone.up_channels': 16,
                         'model.head.num_stages': 1, 'model.head.in_channels': 16,
                         'val_dataloader.dataset.bbox_file': None, 'test_dataloader.dataset.bbox_file': None})
    cfg.work_dir = str(tmp_path)
    monkeypatch.setattr('mspn_plugin.engine.safe_runner.launcher_world_size', lambda launcher: 4)
    runner = SafeRunner.from_cfg(cfg)
    assert runner._train_loop['max_iters'] == 192000 and runner.cfg.param_scheduler[1].end == 192001
    assert runner.cfg.default_hooks.checkpoint.interval == 4800
    checkpoint_hook = next(hook for hook in runner.hooks if type(hook).__name__ == 'SafeCheckpointHook')
    assert checkpoint_hook.interval == 4800
    assert cfg.train_cfg.max_iters == 96000  # the caller's config is left as it was
