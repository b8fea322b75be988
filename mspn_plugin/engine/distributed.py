"""torch.distributed for the tools on machines without a GPU, where MMEngine's own initialisation (it calls
torch.cuda.set_device) fails: gloo from torchrun's or a Slurm task's environment, and the resume of a worker group that
torchrun restarted."""
import datetime
import os
import os.path as osp
import socket
import subprocess
import sys

import torch.distributed as dist

__all__ = ['init_gloo_process_group', 'process_description', 'resume_on_restart', 'torch_env_from_slurm']


def process_description() -> str:
    """``rank R of W on HOST (node N, local rank L, BACKEND)`` for this process of an initialised process group
    (node and local rank from torchrun's or Slurm's environment)."""
    env = os.environ
    node = env.get('GROUP_RANK', env.get('SLURM_NODEID', '?'))
    return (f'rank {dist.get_rank()} of {dist.get_world_size()} on {socket.gethostname()} (node {node}, local rank '
            f'{env.get("LOCAL_RANK", "?")}, {dist.get_backend()})')


def resume_on_restart(resume: bool | str, work_dir: str) -> bool | str:
    """What a training resumes from: ``resume`` as given (False, True for the latest checkpoint in ``work_dir``, or
    a checkpoint path), except in a worker group that torchrun restarted (``TORCHELASTIC_RESTART_COUNT`` > 0): that
    resumes from the last complete checkpoint in ``work_dir`` (the one its ``last_checkpoint`` names) when there is
    one. Logs one line per process on a restart."""
    restarts = int(os.environ.get('TORCHELASTIC_RESTART_COUNT', '0'))
    if restarts == 0:
        return resume
    saved = osp.isfile(osp.join(work_dir, 'last_checkpoint'))
    source = (f'the last complete checkpoint in {work_dir}' if saved else
              resume if isinstance(resume, str) else f'the start (no checkpoint in {work_dir} yet)')
    print(f'rank {os.environ.get("RANK", 0)}: torchrun restarted the workers (restart {restarts}): resuming from '
          f'{source}', file=sys.stderr, flush=True)
    return True if saved else resume


def torch_env_from_slurm() -> None:
    """Set torch.distributed's RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT from a Slurm task's
    variables, as MMEngine's Slurm launcher does: the master is the job's first host (an existing MASTER_ADDR is
    kept), the port MASTER_PORT, else PORT, else 29500."""
    env = os.environ
    if 'SLURM_PROCID' not in env:
        raise RuntimeError('--launcher slurm needs a Slurm task\'s environment (SLURM_PROCID, SLURM_NTASKS, '
                           'SLURM_NODELIST): run it through srun, e.g. tools/slurm_train.sh')
    env['RANK'], env['WORLD_SIZE'] = env['SLURM_PROCID'], env['SLURM_NTASKS']
    env['LOCAL_RANK'] = env.get('SLURM_LOCALID', '0')
    if 'MASTER_ADDR' not in env:
        hosts = subprocess.run(['scontrol', 'show', 'hostnames', env['SLURM_NODELIST']], capture_output=True,
                               text=True, check=True).stdout.split()
        env['MASTER_ADDR'] = hosts[0]
    env.setdefault('MASTER_PORT', env.get('PORT', '29500'))


def init_gloo_process_group(launcher: str, timeout_s: float | None = None) -> None:
    """Initialise torch.distributed with the gloo backend for ``launcher`` (``'pytorch'``: torchrun's RANK,
    WORLD_SIZE, MASTER_ADDR, MASTER_PORT; ``'slurm'``: a Slurm task's variables, mapped to those first); nothing
    when it is already initialised. ``timeout_s``: the collectives' timeout (torch's default when None)."""
    if dist.is_initialized():
        return
    if launcher == 'slurm':
        torch_env_from_slurm()
    elif 'RANK' not in os.environ:
        raise RuntimeError(f'--launcher {launcher} needs RANK and WORLD_SIZE: run it through torchrun, e.g. '
                           'tools/dist_train.sh')
    timeout = None if timeout_s is None else datetime.timedelta(seconds=timeout_s)
    dist.init_process_group(backend='gloo', rank=int(os.environ['RANK']), world_size=int(os.environ['WORLD_SIZE']),
                            timeout=timeout)

