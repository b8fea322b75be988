#!/usr/bin/env bash
# Usage: bash tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [test.py options]   (gloo on CPU, nccl on GPUs)
# Environment: NNODES, NODE_RANK, MASTER_ADDR, PORT (see dist_launch.sh).
set -euo pipefail
source "$(dirname "$0")/dist_launch.sh"
[ $# -ge 3 ] || dist_usage "CONFIG CHECKPOINT NUM_PROCS [test.py options]"
CONFIG=$1
CHECKPOINT=$2
NUM_PROCS=$3
shift 3
dist_launch "$NUM_PROCS" 0 test.py "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
