"""The suite's own scheduling (tests/conftest.py): what pytest-xdist keeps on one worker."""
import importlib.metadata
import subprocess

import pytest
from packaging.version import Version

from helpers.paths import ROOT


@pytest.fixture(scope='module')
def made_once() -> object:
    return object()


def test_a_test_sharing_a_fixture_of_its_module_is_grouped_by_module(made_once, request):
    marker = request.node.get_closest_marker('xdist_group')
    assert marker is not None and marker.args[0] == request.node.nodeid.split('::')[0]


def test_a_test_without_one_is_not_grouped(request):
    assert request.node.get_closest_marker('xdist_group') is None


def test_make_runs_the_slow_groups_in_the_sorted_order():
    """pytest-xdist >= 3.8 reorders the groups by their number of tests unless told not to: the demo's training,
    sorted first by tests/conftest.py, would start late."""
    command = subprocess.run(['make', '-n', 'test-slow'], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert '--dist loadgroup' in command and '--no-loadscope-reorder' in command
    assert Version(importlib.metadata.version('pytest-xdist')) >= Version('3.8')
