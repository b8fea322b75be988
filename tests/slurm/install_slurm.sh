#!/usr/bin/env bash
# Idempotent, non-interactive install of Debian's Slurm (22.05 on Debian 12) and munge, for the Slurm test
# (tests/test_tools/test_distributed.py). .ci/run runs it before `make test`; it uses sudo when not root.
# (`sinfo --version` needs a slurm.conf; `slurmctld -V` does not.)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(slurmctld slurmd slurm-client munge)
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
start=$(date +%s)
install() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PKGS[@]}"; }
installed=$(dpkg-query -W -f='${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null | grep -c '^installed$' || true)
if [ "$installed" -ne "${#PKGS[@]}" ]; then
  # Package lists may be stale or absent: update only when the plain install fails.
  if ! install; then
    echo "install_slurm: install failed, retrying after apt-get update" >&2
    $SUDO apt-get update
    install
  fi
else
  echo "install_slurm: ${PKGS[*]} already installed"
fi
echo "install_slurm: done in $(( $(date +%s) - start )) s ($(slurmctld -V))"
