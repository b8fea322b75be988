from .cpu_amp_optim_wrapper import CPUBFloat16OptimWrapper
from .distributed import init_gloo_process_group, process_description, resume_on_restart, torch_env_from_slurm
from .keypoint_transfer_hook import KeypointTransferHook
from .runner_setup import build_runner, prepare_config
from .safe_checkpoint_hook import SafeCheckpointHook
from .safe_runner import SafeRunner
from .schedule_scaling import fit_schedule, launcher_world_size

__all__ = ['CPUBFloat16OptimWrapper', 'KeypointTransferHook', 'SafeCheckpointHook', 'SafeRunner', 'build_runner',
           'fit_schedule', 'init_gloo_process_group', 'launcher_world_size', 'prepare_config', 'process_description',
           'resume_on_restart', 'torch_env_from_slurm']
