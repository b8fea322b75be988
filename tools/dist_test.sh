#!/usr/bin/env bash
# Usage: bash tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [test.py options]   (gloo on CPU, nccl on GPUs)
set -euo pipefail
CONFIG=$1
CHECKPOINT=$2
NUM_PROCS=$3
shift 3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
exec "$PYTHON" -m torch.distributed.run --nnodes=1 --nproc_per_node="$NUM_PROCS" \
  --master_port="${PORT:-29500}" "$ROOT/tools/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
