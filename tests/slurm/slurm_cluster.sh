#!/usr/bin/env bash
# A one-node Slurm cluster on localhost for the Slurm test (tests/test_tools/test_distributed.py): slurmctld and slurmd
# (and munged when it is not running), all state in DIR, no systemd, no cgroups, no accounting; partition `debug`.
# Needs root and the packages of install_slurm.sh.
#   slurm_cluster.sh start DIR   # prints: export SLURM_CONF=DIR/slurm.conf; on failure: the reason, the logs, exit 1
#   slurm_cluster.sh stop DIR
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
CMD=$1
mkdir -p "$2"
DIR=$(cd "$2" && pwd)
CONF=$DIR/slurm.conf
NODE=$(hostname -s)
TIMEOUT=${SLURM_CLUSTER_TIMEOUT:-60}
export SLURM_CONF=$CONF
export PATH=$PATH:/usr/sbin:/sbin  # the daemons, for users whose PATH lacks them

log() { echo "slurm_cluster: $*" >&2; }

# A process that exited but is not reaped yet (zombie) counts as gone: here pid 1 reaps orphans only after seconds.
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Pid from a pid file, only if that process is alive and really is $2 (guards against stale files / reused pids).
live_pid() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -dc 0-9 <"$1")
  [ -n "$pid" ] && alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
}

stop_pid() { # pidfile name
  local pid i
  if pid=$(live_pid "$1" "$2"); then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then log "$2 ($pid) ignored SIGTERM, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
  fi
  rm -f "$1"
}

fail() { # reason [extra log files]
  log "FAILED: $1"
  local f
  for f in "$DIR"/log/slurmctld.log "$DIR"/log/slurmd.log "${@:2}"; do
    [ -s "$f" ] && { echo "---- last lines of $f" >&2; tail -n 20 "$f" >&2; }
  done
  [ "$CMD" != start ] || do_stop  # leave no half-started cluster behind
  exit 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

do_stop() {
  if [ -f "$CONF" ] && live_pid "$DIR/run/slurmctld.pid" slurmctld >/dev/null; then
    # Cancel our jobs so no slurmstepd/tasks outlive the daemons.
    scancel --quiet $(squeue -h -o %i 2>/dev/null) 2>/dev/null || true
  fi
  # Daemons of this DIR whose pid files are gone (e.g. DIR was wiped while they ran): find them by "-f $CONF".
  local p name
  for p in /proc/[0-9]*; do
    name=$(cat "$p/comm" 2>/dev/null) || continue
    case $name in slurmctld | slurmd) ;; *) continue ;; esac
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "-f $CONF "; then
      [ -s "$DIR/run/$name.pid" ] || { mkdir -p "$DIR/run"; echo "${p#/proc/}" >"$DIR/run/$name.pid"; }
    fi
  done
  stop_pid "$DIR/run/slurmd.pid" slurmd
  stop_pid "$DIR/run/slurmctld.pid" slurmctld
  stop_pid "$DIR/run/munged.pid" munged  # a copy of munged's pid file, written only if our start launched it
}

write_conf() {
  cat >"$CONF" <<EOF
ClusterName=local
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$NODE CPUs=$(getconf _NPROCESSORS_ONLN) State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  rm -f /run/munge/munged.pid /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock
  runuser -u munge -- munged || fail "munged did not start" /var/log/munge/munged.log
  cp /run/munge/munged.pid "$DIR/run/munged.pid"
  munge -n | unmunge >/dev/null || fail "munge -n | unmunge does not succeed" /var/log/munge/munged.log
}

do_start() {
  local t0 p st i
  t0=$(date +%s%N)
  for p in slurmctld slurmd scontrol sinfo munged munge; do
    command -v $p >/dev/null || fail "$p not found: install Slurm and munge first (tests/slurm/install_slurm.sh, as root)"
  done
  do_stop  # leftovers of an earlier run in this DIR (stale pid files are ignored by live_pid)
  rm -f "$DIR"/log/*.log  # so that a failure shows this run's log lines only
  for p in 6817 6818; do
    ! port_in_use $p || fail "port $p is in use: another Slurm cluster is running (ps -C slurmctld,slurmd -o pid,args); stop it first"
  done
  mkdir -p "$DIR"/{state,spool,run,log}
  write_conf
  start_munge
  # -c: start from a clean state (no jobs or node states recovered from an earlier run)
  slurmctld -c -f "$CONF" || fail "slurmctld did not start"
  for ((i = 0; ; i++)); do
    scontrol ping 2>/dev/null | grep -q 'is UP' && break
    live_pid "$DIR/run/slurmctld.pid" slurmctld >/dev/null || [ $i -lt 10 ] || fail "slurmctld exited"
    [ $i -lt $((TIMEOUT * 5)) ] || fail "slurmctld not answering after ${TIMEOUT}s"
    sleep 0.2
  done
  slurmd -f "$CONF" || fail "slurmd did not start"
  for ((i = 0; ; i++)); do
    st=$(sinfo -h -n "$NODE" -o %t 2>/dev/null || true)
    [ "$st" = idle ] && break
    live_pid "$DIR/run/slurmd.pid" slurmd >/dev/null || [ $i -lt 10 ] || fail "slurmd exited"
    [ $i -lt $((TIMEOUT * 5)) ] || fail "node $NODE is '$st', not idle, after ${TIMEOUT}s"
    sleep 0.2
  done
  log "node $NODE idle after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  echo "export SLURM_CONF=$CONF"
}

case $CMD in
  start) do_start ;;
  stop) t0=$(date +%s%N); do_stop; log "stopped in $(( ($(date +%s%N) - t0) / 1000000 )) ms" ;;
  *) usage ;;
esac
