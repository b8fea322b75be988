# Sourced by slurm_train.sh and slurm_test.sh: one srun job step, one task per GPU (or per CPU process).
#   slurm_launch PARTITION JOB_NAME TOOL [TOOL ARGS...]   runs tools/TOOL ... --launcher slurm in every task
# Environment:
#   GPUS (8)                 tasks in all, one per GPU
#   GPUS_PER_NODE (GPUS, at most 8)   GPUs and tasks per node; 0: no GPU requested (CPU processes with gloo), and
#                            Slurm places the tasks (limit them with SRUN_ARGS=--ntasks-per-node=N)
#   CPUS_PER_TASK (5)        CPU cores per task (data-loading workers); also the tasks' OMP_NUM_THREADS unless set
#   SRUN_ARGS ('')           more srun options, split on spaces
#   PORT (29500)             the processes' rendezvous port (MASTER_PORT), on the job's first node
#   PYTHON (.venv/bin/python of this checkout; it must be visible on every node)
SLURM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

slurm_usage() { # ARGS: the script's usage after its name
  echo "usage: bash tools/$(basename "$0") $*" >&2
  echo "environment: GPUS (8) GPUS_PER_NODE (min(GPUS, 8); 0 for CPUs only) CPUS_PER_TASK (5) SRUN_ARGS PORT" >&2
  exit 2
}

slurm_launch() {
  local partition=$1 job_name=$2 tool=$3
  shift 3
  local gpus=${GPUS:-8}
  local gpus_per_node=${GPUS_PER_NODE:-$((gpus < 8 ? gpus : 8))}
  local per_node=()
  if [ "$gpus_per_node" -gt 0 ]; then
    per_node=(--gres=gpu:"$gpus_per_node" --ntasks-per-node="$gpus_per_node")
  fi
  export MASTER_PORT=${MASTER_PORT:-${PORT:-29500}}
  # as torchrun does: no more compute threads than the task's cores (oversubscribed threads slow training down a lot)
  export OMP_NUM_THREADS=${OMP_NUM_THREADS:-${CPUS_PER_TASK:-5}}
  set -x
  # shellcheck disable=SC2086  # SRUN_ARGS holds several options
  exec srun -p "$partition" --job-name="$job_name" --ntasks="$gpus" "${per_node[@]}" \
    --cpus-per-task="${CPUS_PER_TASK:-5}" --kill-on-bad-exit=1 ${SRUN_ARGS:-} \
    "${PYTHON:-$SLURM_ROOT/.venv/bin/python}" -u "$SLURM_ROOT/tools/$tool" "$@"
}
