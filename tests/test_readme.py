"""Every shell command in README.md is run by a test as written (tests take them with readme_command / run_readme),
except `make test` and `make test-no-slurm`, which CI and developers run around the suite."""
import ast

from helpers.paths import ROOT
from helpers.readme import NOT_RUN_BY_TESTS, PLACEHOLDER, fill, readme_commands


def claimed_commands() -> set[str]:
    """The commands that the tests pass to readme_command / run_readme: string literals, or module-level string
    constants named in the call."""
    claimed = set()
    for path in (ROOT / 'tests').rglob('*.py'):
        tree = ast.parse(path.read_text())
        constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Name)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, 'id', None) in ('readme_command', 'run_readme'):
                argument = node.args[0]
                if isinstance(argument, ast.Constant):
                    claimed.add(argument.value)
                elif isinstance(argument, ast.Name) and argument.id in constants:
                    claimed.add(constants[argument.id])
    return claimed


def test_every_readme_command_is_run_by_a_test():
    commands, claimed = readme_commands(), claimed_commands()
    assert len(commands) > 10
    assert [c for c in commands if c not in NOT_RUN_BY_TESTS and c not in claimed] == []


def test_every_claim_is_a_readme_command():
    assert claimed_commands() - set(readme_commands()) == set()


def test_placeholders_are_found_and_filled():
    command = 'NNODES=2 MASTER_ADDR=HOST bash tools/dist_train.sh CONFIG 1 --work-dir WORK_DIR  # x'
    assert set(PLACEHOLDER.findall(command)) == {'HOST', 'CONFIG', 'WORK_DIR'}
    filled = fill('tools/test.py CONFIG CHECKPOINT', CONFIG='a b.py', CHECKPOINT='c.pth')
    assert filled == "tools/test.py 'a b.py' c.pth"
