#!/usr/bin/env bash
# Usage: bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py options]
# Environment: GPUS, GPUS_PER_NODE, CPUS_PER_TASK, SRUN_ARGS, PORT (see slurm_launch.sh).
set -euo pipefail
source "$(dirname "$0")/slurm_launch.sh"
[ $# -ge 4 ] || slurm_usage "PARTITION JOB_NAME CONFIG CHECKPOINT [test.py options]"
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
CHECKPOINT=$4
shift 4
slurm_launch "$PARTITION" "$JOB_NAME" test.py "$CONFIG" "$CHECKPOINT" --launcher slurm "$@"
