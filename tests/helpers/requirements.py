"""The requirements files, parsed: what `pip install` requires (requirements/install.txt) and what make setup pins."""
from packaging.requirements import Requirement

from .paths import ROOT

REQUIREMENTS = ROOT / 'requirements'


def requirements_of(name: str) -> list[Requirement]:
    """The requirements of ``requirements/<name>.txt`` (comments and blank lines left out)."""
    lines = (line.strip() for line in (REQUIREMENTS / f'{name}.txt').read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith('#')]


def install_requirement(package: str) -> Requirement:
    """requirements/install.txt's requirement on ``package``."""
    [requirement] = [r for r in requirements_of('install') if r.name == package]
    return requirement
