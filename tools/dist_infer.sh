#!/usr/bin/env bash
# Usage: bash tools/dist_infer.sh POSE_CONFIG POSE_CHECKPOINT INPUT NUM_PROCS [infer.py options]
# Each process takes its share of INPUT (a folder of images, a video or an image-list .txt file); the first process
# merges the shares into OUT_DIR/predictions.json. Environment: NNODES, NODE_RANK, MASTER_ADDR, PORT (dist_launch.sh).
set -euo pipefail
source "$(dirname "$0")/dist_launch.sh"
[ $# -ge 4 ] || dist_usage "POSE_CONFIG POSE_CHECKPOINT INPUT NUM_PROCS --out-dir DIR (--bboxes DETS.json | ...)"
POSE_CONFIG=$1
POSE_CHECKPOINT=$2
INPUT=$3
NUM_PROCS=$4
shift 4
dist_launch "$NUM_PROCS" 0 infer.py "$POSE_CONFIG" "$POSE_CHECKPOINT" "$INPUT" --launcher pytorch "$@"
