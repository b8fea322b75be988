#!/usr/bin/env bash
# Which mmcv ops tools/setup_env.sh compiles for the torch of the given Python: prints "cuda<version>" (torch's CUDA
# version) when that torch is a CUDA build that sees a GPU and a CUDA compiler exists (nvcc on PATH, or
# $CUDA_HOME/bin/nvcc), "cpu" otherwise.
# Usage: bash tools/mmcv_ops.sh PYTHON
set -euo pipefail
python=${1:?usage: bash tools/mmcv_ops.sh PYTHON}

nvcc=$(command -v nvcc || true)
if [ -z "$nvcc" ] && [ -n "${CUDA_HOME:-}" ] && [ -x "$CUDA_HOME/bin/nvcc" ]; then
  nvcc=$CUDA_HOME/bin/nvcc
fi
cuda=$("$python" -c 'import torch; print(torch.version.cuda if torch.cuda.is_available() else "")')
if [ -n "$nvcc" ] && [ -n "$cuda" ]; then
  echo "cuda$cuda"
else
  echo cpu
fi
