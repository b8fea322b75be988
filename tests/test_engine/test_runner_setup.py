import copy

import pytest
import torch

from helpers.paths import TINY
from mspn_plugin.engine import CPUBFloat16OptimWrapper, build_runner, prepare_config


def test_defaults_and_overrides():
    cfg = prepare_config(TINY, cfg_options={'train_dataloader.batch_size': 3})
    assert cfg.work_dir == 'work_dirs/mspn_tiny_coco'
    assert cfg.train_dataloader.batch_size == 3
    assert cfg.launcher == 'none'


def test_amp_picks_the_wrapper_for_the_device():
    expected = 'AmpOptimWrapper' if torch.cuda.is_available() else 'CPUBFloat16OptimWrapper'
    assert prepare_config(TINY, amp=True).optim_wrapper.type == expected


def test_launcher_without_gpu_uses_gloo_and_no_device_ids():
    cfg = prepare_config(TINY, launcher='pytorch')
    if torch.cuda.is_available():
        assert 'model_wrapper_cfg' not in cfg
    else:
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        assert cfg.model_wrapper_cfg.device_ids is None


def test_missing_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.py'):
        prepare_config(str(tmp_path / 'nope.py'))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        build_runner(prepare_config(TINY, work_dir=str(tmp_path)), load_from=str(tmp_path / 'missing.pth'))


def test_builds_our_runner_whatever_scope_a_detector_left_current(tmp_path):
    from mmengine.registry import DefaultScope

    from mspn_plugin.engine import SafeRunner

    with DefaultScope.overwrite_default_scope('mmdet'):  # what MMDetection's init_detector leaves behind
        runner = build_runner(prepare_config(TINY, work_dir=str(tmp_path)))
    assert type(runner) is SafeRunner


def test_cpu_bfloat16_wrapper_autocasts_the_forward():
    model = torch.nn.Conv2d(3, 4, 3)
    wrapper = CPUBFloat16OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with wrapper.optim_context(model):
        out = model(torch.randn(1, 3, 8, 8))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().mean())
    assert model.weight.grad is None  # update_params steps and zeroes


def test_sync_bn_switch_converts_every_batchnorm_and_inference_still_folds_them():
    """What ``--cfg-options sync_bn=torch`` makes of the model (MMEngine's Runner.wrap_model converts it); the fast
    inference path folds SyncBatchNorm as it folds BatchNorm (SyncBatchNorm itself trains only on GPUs)."""
    from mmengine.model import convert_sync_batchnorm
    from mmpose.apis import init_model
    from torch.nn.modules.batchnorm import _BatchNorm

    torch.manual_seed(0)
    model = init_model(str(TINY), device='cpu').eval()
    norms = sum(isinstance(m, _BatchNorm) for m in model.modules())
    synced = convert_sync_batchnorm(copy.deepcopy(model), 'torch').eval()
    assert norms > 10 and sum(isinstance(m, torch.nn.SyncBatchNorm) for m in synced.modules()) == norms
    folded = synced.inference_network()
    assert not any(isinstance(m, _BatchNorm) for m in folded.modules())
    images = torch.randn(2, 3, 96, 64)
    torch.testing.assert_close(folded(images), model.inference_network()(images))
