"""What the package declares agrees with what is tested: the environment make setup builds, and every pin in it, lie
in the ranges of requirements/install.txt; the Python version is setup.cfg's, and the classifiers, the README, ruff
and tools/setup_env.sh say the same."""
import configparser
import re
import sys
import tomllib
from importlib import metadata

import pytest

from helpers.paths import ROOT
from helpers.requirements import requirements_of

SETUP = configparser.ConfigParser()
SETUP.read(ROOT / 'setup.cfg')
SETUP_ENV = (ROOT / 'tools/setup_env.sh').read_text()
DECLARED = {r.name: r.specifier for r in requirements_of('install')}
# the pins of the files tools/setup_env.sh installs from, for the packages install.txt names
PINS = [r for name in re.search(r'^INSTALLED=\((.*)\)$', SETUP_ENV, re.M)[1].split() for r in requirements_of(name)
        if r.name in DECLARED and any(s.operator == '==' for s in r.specifier)]


def python_version() -> str:
    """X.Y, from setup.cfg's python_requires (==X.Y.*)."""
    return re.fullmatch(r'==(\d+\.\d+)\.\*', SETUP['options']['python_requires'])[1]


@pytest.mark.parametrize('requirement', requirements_of('install'), ids=str)
def test_the_tested_environment_meets_the_requirement(requirement):
    assert requirement.specifier.contains(metadata.version(requirement.name), prereleases=True)


@pytest.mark.parametrize('pin', PINS, ids=str)
def test_a_pin_of_make_setup_lies_in_the_declared_range(pin):
    [version] = [s.version for s in pin.specifier if s.operator == '==']
    assert DECLARED[pin.name].contains(version)


def test_the_pins_cover_the_openmmlab_stack():
    assert {p.name for p in PINS} >= {'torch', 'torchvision', 'mmcv', 'mmengine', 'mmdet', 'mmpose', 'numpy'}


def test_the_python_version_is_the_interpreters():
    assert f'{sys.version_info.major}.{sys.version_info.minor}' == python_version()


def test_the_classifiers_name_that_python_only():
    classifiers = SETUP['metadata']['classifiers'].split('\n')
    assert [c for c in classifiers if c.startswith('Programming Language :: Python ::')] == [
        f'Programming Language :: Python :: {python_version()}']


def test_the_readme_names_that_python_only():
    assert set(re.findall(r'Python (3\.\d+)', (ROOT / 'README.md').read_text())) == {python_version()}


def test_ruff_targets_that_python():
    ruff = tomllib.loads((ROOT / 'pyproject.toml').read_text())['tool']['ruff']
    assert ruff['target-version'] == 'py' + python_version().replace('.', '')


def test_setup_env_reads_the_version_from_setup_cfg():
    assert 'python_requires' in SETUP_ENV and python_version() not in SETUP_ENV
