#!/usr/bin/env bash
# Usage: bash tools/dist_train.sh CONFIG NUM_PROCS [train.py options]   (gloo on CPU, nccl on GPUs)
# Environment: NNODES, NODE_RANK, MASTER_ADDR, PORT (see dist_launch.sh); MAX_RESTARTS (0): how many times torchrun
# restarts the workers after one fails; a restarted run resumes from the last complete checkpoint in the work dir.
set -euo pipefail
source "$(dirname "$0")/dist_launch.sh"
[ $# -ge 2 ] || dist_usage "CONFIG NUM_PROCS [train.py options]"
CONFIG=$1
NUM_PROCS=$2
shift 2
dist_launch "$NUM_PROCS" "${MAX_RESTARTS:-0}" train.py "$CONFIG" --launcher pytorch "$@"
