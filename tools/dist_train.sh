#!/usr/bin/env bash
# Usage: bash tools/dist_train.sh CONFIG NUM_PROCS [train.py options]   (gloo on CPU, nccl on GPUs)
set -euo pipefail
CONFIG=$1
NUM_PROCS=$2
shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
exec "$PYTHON" -m torch.distributed.run --nnodes=1 --nproc_per_node="$NUM_PROCS" \
  --master_port="${PORT:-29500}" "$ROOT/tools/train.py" "$CONFIG" --launcher pytorch "$@"
