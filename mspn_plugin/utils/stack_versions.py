"""The check, when the package is imported, that the OpenMMLab packages installed lie in the version ranges this
package declares (requirements/install.txt, read back from the installed package's metadata): outside them it would
fail later, somewhere deep in MMPose or MMEngine, or run with unnoticed differences."""
import os
import warnings
from collections.abc import Callable
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

CHECKED_PACKAGES = ('mmcv', 'mmengine', 'mmdet', 'mmpose')
ALLOW_UNTESTED = 'MSPN_PLUGIN_ALLOW_UNTESTED_VERSIONS'  # =1: import anyway, with a warning


class UntestedVersionError(ImportError):
    """An OpenMMLab package is missing or outside the version range this package is tested with."""


def declared_requirements(distribution: str = 'mspn_plugin') -> list[Requirement]:
    """The installed ``distribution``'s requirements on the checked packages (extras' requirements left out); none
    when it is not installed (its source tree merely on ``sys.path``)."""
    try:
        lines = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return []
    requirements = [Requirement(line) for line in lines]
    return [r for r in requirements if canonicalize_name(r.name) in CHECKED_PACKAGES
            and (r.marker is None or r.marker.evaluate({'extra': ''}))]


def version_problems(requirements: list[Requirement],
                     installed_version: Callable[[str], str] = metadata.version) -> list[str]:
    """One sentence per requirement that the installed packages do not meet (``installed_version(name)`` gives a
    package's version or raises :class:`importlib.metadata.PackageNotFoundError`)."""
    problems = []
    for requirement in requirements:
        try:
            found = installed_version(requirement.name)
        except metadata.PackageNotFoundError:
            problems.append(f'{requirement.name} is not installed (mspn_plugin needs {requirement})')
            continue
        if not requirement.specifier.contains(found, prereleases=True):
            problems.append(f'{requirement.name} {found} is installed, mspn_plugin is tested with {requirement}')
    return problems


def check_stack_versions() -> None:
    """Raise :class:`UntestedVersionError`, with one line naming each misfit package, its version and the range,
    unless ``MSPN_PLUGIN_ALLOW_UNTESTED_VERSIONS=1``, which turns the error into a warning."""
    problems = version_problems(declared_requirements())
    if not problems:
        return
    if os.environ.get(ALLOW_UNTESTED) == '1':
        warnings.warn(f'{"; ".join(problems)} (imported anyway: {ALLOW_UNTESTED}=1)', stacklevel=3)
        return
    raise UntestedVersionError(f'{"; ".join(problems)} (set {ALLOW_UNTESTED}=1 to import it anyway)')
