"""The README's tools table names every script under tools/ (and nothing else), and each Python tool prints its
usage with ``--help`` (the only place usage is written)."""
import re
import subprocess
import sys

import pytest

from helpers.paths import ROOT, TOOLS


def _scripts_on_disk() -> set[str]:
    return {
        str(path.relative_to(TOOLS))
        for path in TOOLS.rglob('*')
        if path.suffix in {'.py', '.sh'} and '__pycache__' not in path.parts
    }


def _scripts_in_readme() -> set[str]:
    section = (ROOT / 'README.md').read_text().split('\n## Tools\n')[1].split('\n## ')[0]
    names = set()
    for row in section.splitlines():
        if row.startswith('| `'):
            names.update(re.findall(r'`([\w/]+\.(?:py|sh))`', row))
    return names


def test_readme_tools_table_lists_exactly_the_scripts():
    assert _scripts_in_readme() == _scripts_on_disk()


@pytest.mark.parametrize('script', sorted(s for s in _scripts_on_disk() if s.endswith('.py')))
def test_python_tool_prints_usage(script: str):
    result = subprocess.run(
        [sys.executable, str(TOOLS / script), '--help'], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('usage:'), result.stdout[:200]
