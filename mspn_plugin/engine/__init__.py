from .cpu_amp_optim_wrapper import CPUBFloat16OptimWrapper
from .runner_setup import build_runner, prepare_config
from .safe_checkpoint_hook import SafeCheckpointHook
from .safe_runner import SafeRunner

__all__ = ['CPUBFloat16OptimWrapper', 'SafeCheckpointHook', 'SafeRunner', 'build_runner', 'prepare_config']
