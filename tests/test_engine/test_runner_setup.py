import copy
import os

import pytest
import torch

from helpers.paths import TINY
from mspn_plugin.engine import (
    CPUBFloat16OptimWrapper,
    build_runner,
    init_gloo_process_group,
    prepare_config,
    resume_on_restart,
    torch_env_from_slurm,
)


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


def test_cpu_bfloat16_wrapper_autocasts_the_forward():
    model = torch.nn.Conv2d(3, 4, 3)
    wrapper = CPUBFloat16OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with wrapper.optim_context(model):
        out = model(torch.randn(1, 3, 8, 8))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().mean())
    assert model.weight.grad is None  # update_params steps and zeroes


def test_a_restarted_worker_group_resumes_from_the_last_complete_checkpoint(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv('TORCHELASTIC_RESTART_COUNT', raising=False)
    assert resume_on_restart(False, str(tmp_path)) is False
    monkeypatch.setenv('TORCHELASTIC_RESTART_COUNT', '1')
    monkeypatch.setenv('RANK', '3')
    assert resume_on_restart(False, str(tmp_path)) is False  # nothing saved yet: from the start
    assert resume_on_restart('given.pth', str(tmp_path)) == 'given.pth'
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_4.pth'))
    assert resume_on_restart(False, str(tmp_path)) is True
    assert resume_on_restart('given.pth', str(tmp_path)) is True  # the run's own progress, not the old start
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == f'rank 3: torchrun restarted the workers (restart 1): resuming from the last complete ' \
                        f'checkpoint in {tmp_path}'
    assert 'the start (no checkpoint' in lines[0] and 'given.pth' in lines[1]


def test_slurm_variables_become_torch_distributed_ones(tmp_path, monkeypatch):
    scontrol = tmp_path / 'scontrol'  # as Slurm's: one host name a line
    scontrol.write_text('#!/bin/sh\n[ "$1 $2 $3" = "show hostnames node[3-4]" ] && printf "node3\\nnode4\\n"\n')
    scontrol.chmod(0o755)
    monkeypatch.setenv('PATH', f'{tmp_path}{os.pathsep}{os.environ["PATH"]}')
    for name in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(name, raising=False)
    slurm = dict(SLURM_PROCID='5', SLURM_NTASKS='8', SLURM_LOCALID='1', SLURM_NODELIST='node[3-4]', PORT='29700')
    for name, value in slurm.items():
        monkeypatch.setenv(name, value)
    torch_env_from_slurm()
    assert {k: os.environ[k] for k in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT')} == dict(
        RANK='5', WORLD_SIZE='8', LOCAL_RANK='1', MASTER_ADDR='node3', MASTER_PORT='29700')
    monkeypatch.setenv('MASTER_ADDR', '10.0.0.7')  # kept when given
    monkeypatch.setenv('MASTER_PORT', '29701')
    torch_env_from_slurm()
    assert (os.environ['MASTER_ADDR'], os.environ['MASTER_PORT']) == ('10.0.0.7', '29701')


def test_launchers_outside_their_launch_tools_are_explained(monkeypatch):
    for name in ('SLURM_PROCID', 'RANK'):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match='run it through srun'):
        init_gloo_process_group('slurm')
    with pytest.raises(RuntimeError, match='run it through torchrun'):
        init_gloo_process_group('pytorch')


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
