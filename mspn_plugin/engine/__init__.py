from .cpu_amp_optim_wrapper import CPUBFloat16OptimWrapper
from .safe_checkpoint_hook import SafeCheckpointHook
from .safe_runner import SafeRunner

__all__ = ['CPUBFloat16OptimWrapper', 'SafeCheckpointHook', 'SafeRunner']
