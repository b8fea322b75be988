"""The suite's own scheduling (tests/conftest.py): what pytest-xdist keeps on one worker."""
import pytest


@pytest.fixture(scope='module')
def made_once() -> object:
    return object()


def test_a_test_sharing_a_fixture_of_its_module_is_grouped_by_module(made_once, request):
    marker = request.node.get_closest_marker('xdist_group')
    assert marker is not None and marker.args[0] == request.node.nodeid.split('::')[0]


def test_a_test_without_one_is_not_grouped(request):
    assert request.node.get_closest_marker('xdist_group') is None
