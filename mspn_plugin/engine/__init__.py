from .cpu_amp_optim_wrapper import CPUBFloat16OptimWrapper

__all__ = ['CPUBFloat16OptimWrapper']
