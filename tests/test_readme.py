"""Every shell command in README.md is run by a test as written (tests take them with readme_command / run_readme),
except `make test` and `make test-no-slurm`, which CI and developers run around the suite."""
import re

from helpers.paths import ROOT
from helpers.readme import NOT_RUN_BY_TESTS, PLACEHOLDER, fill, readme_commands

CLAIM = re.compile(r'(?:readme_command|run_readme)\(\s*\'([^\']+)\'')


def claimed_prefixes() -> set[str]:
    return {prefix for path in (ROOT / 'tests').rglob('*.py') for prefix in CLAIM.findall(path.read_text())}


def test_every_readme_command_is_run_by_a_test():
    commands = readme_commands()
    assert len(commands) > 10
    unclaimed = [c for c in commands if c not in NOT_RUN_BY_TESTS and not any(c.startswith(p) for p in
                                                                              claimed_prefixes())]
    assert unclaimed == []


def test_every_claim_names_one_readme_command():
    commands = readme_commands()
    for prefix in claimed_prefixes():
        assert sum(command.startswith(prefix) for command in commands) == 1, prefix


def test_placeholders_are_found_and_filled():
    command = 'NNODES=2 MASTER_ADDR=HOST bash tools/dist_train.sh CONFIG 1 --work-dir WORK_DIR  # x'
    assert set(PLACEHOLDER.findall(command)) == {'HOST', 'CONFIG', 'WORK_DIR'}
    filled = fill('tools/test.py CONFIG CHECKPOINT', CONFIG='a b.py', CHECKPOINT='c.pth')
    assert filled == "tools/test.py 'a b.py' c.pth"
