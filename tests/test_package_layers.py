"""The package's layering: each subpackage imports only the layers below it, so there is no import cycle, no
production module imports the test helpers of ``mspn_plugin.testing``, and nothing reaches into tests/."""
import ast

import pytest

from helpers.paths import ROOT

PACKAGE = ROOT / 'mspn_plugin'
# bottom to top; a subpackage may import the ones before it
LAYERS = ['utils', 'checkpoint', 'codecs', 'models', 'datasets', 'evaluation', 'visualization', 'engine', 'apis',
          'reproduction', 'testing']


def imported_subpackages(path) -> set[str]:
    """The mspn_plugin subpackages that the module at ``path`` imports (absolute or relative imports)."""
    module = ['mspn_plugin', *path.relative_to(PACKAGE).with_suffix('').parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = module[:len(module) - node.level] if node.level else []
            names = ['.'.join(base + ([node.module] if node.module else []))]
            if node.module is None:  # "from . import models"
                names = ['.'.join(base + [alias.name]) for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name.split('.')[1] for name in names if name.startswith('mspn_plugin.') and name.count('.') >= 1}
    return found


def subpackage_of(path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


MODULES = sorted(PACKAGE.rglob('*.py'))


def test_every_subpackage_has_a_layer():
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / '__init__.py').exists()} == set(LAYERS)


@pytest.mark.parametrize('path', [p for p in MODULES if subpackage_of(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_the_layers_below_its_own(path):
    own = subpackage_of(path)
    above = set(LAYERS[LAYERS.index(own) + 1:])
    assert not imported_subpackages(path) & above


def test_production_code_never_imports_the_test_helpers_nor_reaches_into_tests():
    for path in MODULES:
        if subpackage_of(path) != 'testing':
            assert 'testing' not in imported_subpackages(path), path
        source = path.read_text()
        assert 'tests/' not in source and "'tests'" not in source, path


def test_the_graph_has_no_cycle():
    graph = {layer: set() for layer in LAYERS}
    for path in MODULES:
        if subpackage_of(path):
            graph[subpackage_of(path)] |= imported_subpackages(path) - {subpackage_of(path)}
    state = {}

    def visit(node: str, trail: tuple) -> None:
        assert state.get(node) != 'open', f'import cycle: {" -> ".join(trail + (node,))}'
        if state.get(node) == 'done':
            return
        state[node] = 'open'
        for successor in graph[node]:
            visit(successor, trail + (node,))
        state[node] = 'done'

    for layer in LAYERS:
        visit(layer, ())
