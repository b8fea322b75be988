#!/usr/bin/env bash
# Usage: bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py options]
# Environment: GPUS, GPUS_PER_NODE, CPUS_PER_TASK, SRUN_ARGS, PORT (see slurm_launch.sh). WORK_DIR must be on a file
# system every node sees.
set -euo pipefail
source "$(dirname "$0")/slurm_launch.sh"
[ $# -ge 4 ] || slurm_usage "PARTITION JOB_NAME CONFIG WORK_DIR [train.py options]"
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
shift 4
slurm_launch "$PARTITION" "$JOB_NAME" train.py "$CONFIG" --work-dir "$WORK_DIR" --launcher slurm "$@"
