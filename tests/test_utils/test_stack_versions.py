"""The import-time check of the OpenMMLab versions: the ranges come from the installed metadata (that is,
requirements/install.txt), and a misfit gives one line naming package, version and range, or a warning under the
opt-out."""
import warnings
from importlib import metadata

import pytest
from packaging.requirements import Requirement

from helpers.requirements import install_requirement
from mspn_plugin.utils import stack_versions
from mspn_plugin.utils.stack_versions import (
    ALLOW_UNTESTED,
    CHECKED_PACKAGES,
    UntestedVersionError,
    check_stack_versions,
    declared_requirements,
    version_problems,
)


def installed(versions: dict[str, str]):
    def version(name: str) -> str:
        if name not in versions:
            raise metadata.PackageNotFoundError(name)
        return versions[name]
    return version


def test_the_declared_ranges_are_install_txts():
    declared = {r.name: str(r) for r in declared_requirements()}
    assert declared == {name: str(install_requirement(name)) for name in CHECKED_PACKAGES}


def test_an_uninstalled_distribution_declares_nothing():
    assert declared_requirements('no-such-distribution-here') == []


@pytest.mark.parametrize('version, fits', [('1.3.1', False), ('1.3.2', True), ('1.3.9', True), ('1.4.0', False),
                                           ('1.3.3rc1', True), ('1.3.2+local', True)])
def test_a_version_fits_its_range_or_is_named(version, fits):
    problems = version_problems([Requirement('mmpose>=1.3.2,<1.4')], installed({'mmpose': version}))
    assert problems == ([] if fits else [f'mmpose {version} is installed, mspn_plugin is tested with '
                                         'mmpose<1.4,>=1.3.2'])


def test_a_missing_package_is_named():
    problems = version_problems([Requirement('mmdet>=3.3.0,<3.4'), Requirement('mmcv>=2.1.0,<2.2.0')],
                                installed({'mmcv': '2.1.0'}))
    assert problems == ['mmdet is not installed (mspn_plugin needs mmdet<3.4,>=3.3.0)']


def test_the_installed_stack_passes():
    check_stack_versions()


def test_a_misfit_raises_one_line_an_import_error(monkeypatch):
    monkeypatch.delenv(ALLOW_UNTESTED, raising=False)
    monkeypatch.setattr(stack_versions, 'declared_requirements', lambda: [Requirement('mmengine<0.10')])
    with pytest.raises(UntestedVersionError) as error:
        check_stack_versions()
    assert isinstance(error.value, ImportError)
    assert str(error.value) == (f'mmengine {metadata.version("mmengine")} is installed, mspn_plugin is tested with '
                                f'mmengine<0.10 (set {ALLOW_UNTESTED}=1 to import it anyway)')


def test_the_opt_out_warns_instead(monkeypatch):
    monkeypatch.setenv(ALLOW_UNTESTED, '1')
    monkeypatch.setattr(stack_versions, 'declared_requirements', lambda: [Requirement('mmengine<0.10')])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        check_stack_versions()
    assert [str(w.message) for w in caught] == [
        f'mmengine {metadata.version("mmengine")} is installed, mspn_plugin is tested with mmengine<0.10 '
        f'(imported anyway: {ALLOW_UNTESTED}=1)']
