"""``make test`` on a machine of this kind: the Slurm test's packages come from the project's own setup, before the
environment; without root, it stops at once and names the target that runs without Slurm."""
import os

from helpers.tools import run


def test_make_test_installs_slurm_and_munge_before_the_environment():
    steps = run('make', '-n', 'test').stdout.splitlines()  # -n: print the commands, run none
    assert steps.index('bash tests/slurm/install_slurm.sh') < steps.index('bash tools/setup_env.sh')


def test_without_root_make_test_stops_and_names_make_test_no_slurm():
    as_user = [] if os.getuid() else ['runuser', '-u', 'nobody', '--']
    result = run(*as_user, 'make', '-s', 'test', check=False, timeout=60)
    assert result.returncode != 0
    assert 'without root, run: make test-no-slurm' in result.stderr
    assert 'setup_env' not in result.stdout + result.stderr
