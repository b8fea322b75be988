#!/usr/bin/env bash
# Idempotent, non-interactive install of Debian's Slurm (22.05 on Debian 12) and munge, for the Slurm test
# (tests/test_tools/test_launch_scripts.py): `make test` runs it, as root, before the tests. Package lists that are
# stale or absent (a fresh machine) are updated when the plain install fails.
# (`sinfo --version` needs a slurm.conf; `slurmctld -V` does not.)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(slurmctld slurmd slurm-client munge)
if [ "$(id -u)" -ne 0 ]; then
  echo "install_slurm: needs root (apt-get install ${PKGS[*]}); without root, run make test-no-slurm" >&2
  exit 1
fi
start=$(date +%s)
install() { apt-get install -y --no-install-recommends "${PKGS[@]}"; }
installed=$(dpkg-query -W -f='${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null | grep -c '^installed$' || true)
if [ "$installed" -ne "${#PKGS[@]}" ]; then
  if ! install; then
    echo "install_slurm: install failed, retrying after apt-get update" >&2
    apt-get update
    install
  fi
else
  echo "install_slurm: ${PKGS[*]} already installed"
fi
echo "install_slurm: done in $(( $(date +%s) - start )) s ($(slurmctld -V))"
