"""The shell commands of README.md, so that tests run them as written (placeholders filled in).

A command is a line of a ```bash block (backslash continuations joined, comments dropped). Placeholders are
upper-case words such as CONFIG or WORK_DIR that are not variable assignments (NNODES=2 is part of a command).
"""
import re
import shlex
import subprocess

from .paths import ROOT
from .tools import run

README = ROOT / 'README.md'
PLACEHOLDER = re.compile(r'(?<![\w$/.-])[A-Z][A-Z0-9_]*[A-Z0-9](?![\w=/])')
# what only a shell interprets (outside quotes or not, a word with these goes to bash)
SHELL_SYNTAX = re.compile(r'[$`|;&<>(){}*?~\\!#\[\]]')
# run by CI itself, not from inside the test suite it runs
NOT_RUN_BY_TESTS = ('make test', 'make test-no-slurm')


def readme_commands() -> list[str]:
    commands = []
    for block in re.findall(r'```bash\n(.*?)```', README.read_text(), re.S):
        for line in re.sub(r'\\\n\s*', ' ', block).splitlines():
            command = re.sub(r'\s+#\s.*$', '', line).strip()
            if command and not command.startswith('#'):
                commands.append(command)
    return commands


def readme_command(command: str) -> str:
    """``command``, after checking that README.md gives it exactly so (comments aside)."""
    assert command in readme_commands(), f'README.md has no command {command!r}'
    return command


def placeholders(command: str) -> set[str]:
    return set(PLACEHOLDER.findall(command))


def fill(command: str, **values) -> str:
    """``command`` with every placeholder replaced by its (shell-quoted) value; all of them must be given."""
    assert placeholders(command) == set(values), f'{command}: placeholders {placeholders(command)}, given {values}'
    return PLACEHOLDER.sub(lambda match: shlex.quote(str(values[match[0]])), command)


def run_readme(command: str, check: bool = True, env: dict | None = None, extra: str = '',
               **values) -> subprocess.CompletedProcess:
    """Run README command ``command`` as written, placeholders filled with ``values`` (and ``extra`` appended, for
    an output location), from the repository root: by bash, or, for a plain ``python SCRIPT ARGS`` with nothing for
    a shell to expand, as its words (which :func:`~helpers.tools.run` may run in a pre-imported interpreter)."""
    line = f'{fill(readme_command(command), **values)} {extra}'.strip()
    words = shlex.split(line)
    if SHELL_SYNTAX.search(line) or '=' in words[0]:
        return run('bash', '-c', line, check=check, env=env)
    return run(*words, check=check, env=env)
