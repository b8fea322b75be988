"""Mixed precision on machines without a GPU."""
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper
from mmpose.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUBFloat16OptimWrapper(OptimWrapper):
    """``OptimWrapper`` that runs the forward pass under ``torch.autocast('cpu', torch.bfloat16)``.

    MMEngine's ``AmpOptimWrapper`` refuses to start without CUDA/NPU/MLU; on a CPU-only machine ``--amp``
    uses this instead. bfloat16 keeps float32's exponent range, so no loss scaling is needed.
    """

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(device_type='cpu', dtype=torch.bfloat16):
            yield
