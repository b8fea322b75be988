"""The README's tools table names every script under tools/ (and nothing else), and each Python tool prints its
usage with ``--help`` (the only place usage is written)."""
import contextlib
import io
import re
import runpy
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
def test_python_tool_prints_usage(script: str, monkeypatch):
    # run as `python tools/<script> --help` runs it (as __main__, its folder first on sys.path), but in this process,
    # whose libraries are imported already: a new interpreter per tool would spend seconds importing them
    monkeypatch.setattr(sys, 'argv', [str(TOOLS / script), '--help'])
    monkeypatch.setattr(sys, 'path', [str((TOOLS / script).parent), *sys.path])
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(TOOLS / script), run_name='__main__')
    assert exit_.value.code in (0, None)
    assert stdout.getvalue().startswith('usage:'), stdout.getvalue()[:200]
