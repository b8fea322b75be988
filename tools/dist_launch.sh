# Sourced by dist_train.sh, dist_test.sh and dist_infer.sh: torchrun on this node, one of NNODES.
#   dist_launch NUM_PROCS MAX_RESTARTS TOOL [TOOL ARGS...]   runs tools/TOOL in NUM_PROCS processes here
# Environment: NNODES (1), NODE_RANK (0), MASTER_ADDR (127.0.0.1), PORT (29500), PYTHON (.venv/bin/python).
# Every node runs the same command with its own NODE_RANK and the same MASTER_ADDR (node 0's address) and PORT.
DIST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

dist_usage() { # ARGS: the script's usage after its name
  echo "usage: bash tools/$(basename "$0") $*" >&2
  echo "environment: NNODES (1) NODE_RANK (0) MASTER_ADDR (127.0.0.1) PORT (29500)" >&2
  exit 2
}

dist_launch() {
  local num_procs=$1 max_restarts=$2 tool=$3
  shift 3
  local addr=${MASTER_ADDR:-127.0.0.1} port=${PORT:-29500}
  local rendezvous=(--node_rank="${NODE_RANK:-0}" --master_addr="$addr" --master_port="$port")
  if [ "$max_restarts" -gt 0 ]; then
    # The processes of a restart must not meet in the store of the dead ones: torchrun hands its own rendezvous
    # store to the processes, where the dead ones' addresses stay, and the new ones may try those. The static
    # rendezvous (the default) always does so; the c10d one, with TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1, has rank 0
    # open a new store, on a free port, for every round. (It numbers the nodes itself: NODE_RANK is not used.)
    export TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1
    rendezvous=(--rdzv-backend=c10d --rdzv-endpoint="$addr:$port" --rdzv-id="mspn-$port")
  fi
  exec "${PYTHON:-$DIST_ROOT/.venv/bin/python}" -m torch.distributed.run --nnodes="${NNODES:-1}" \
    "${rendezvous[@]}" --nproc_per_node="$num_procs" --max-restarts="$max_restarts" "$DIST_ROOT/tools/$tool" "$@"
}
