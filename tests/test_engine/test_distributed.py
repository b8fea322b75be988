"""gloo from torchrun's and Slurm's variables without a GPU, and the resume of a restarted worker group."""
import os

import pytest

from mspn_plugin.engine.distributed import init_gloo_process_group, resume_on_restart, torch_env_from_slurm


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
