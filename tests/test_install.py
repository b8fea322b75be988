"""Install route (a), into an existing OpenMMLab environment: fresh venvs that already hold the stack (the packages of
make setup's shared environment, seen through a .pth file), no network. This project's wheel installs there with its
declared requirements resolved against the stack, imports, registers, and tools/test.py scores a short training's
checkpoint from outside the checkout as the checkout's own validation did; a stack with another mmpose version gets
the one-line error; the README's editable installs (pip, mim) work there too."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mmpose
import pytest

from helpers.paths import ROOT, TINY
from helpers.readme import run_readme
from helpers.requirements import install_requirement
from mspn_plugin.utils.stack_versions import ALLOW_UNTESTED

pytestmark = pytest.mark.slow
STACK = Path(mmpose.__file__).parents[1]  # the site-packages holding torch, mmcv, mmengine, mmdet, mmpose, ...
STACK_BIN = STACK.parents[2] / 'bin'
# what the wheel is built from, copied out of the checkout so that nothing built before (build/) slips into it
WHEEL_SOURCES = ('setup.cfg', 'pyproject.toml', 'README.md', 'requirements', 'mspn_plugin')
PIP_INSTALL = 'pip install -e .'
MIM_INSTALL = 'mim install -e .'
# offline: pip's indexes and the machine's pip configuration are ignored; builds use the stack's setuptools
# (PIP_NO_BUILD_ISOLATION=0 is pip's spelling of --no-build-isolation)
OFFLINE_PIP = {'PIP_CONFIG_FILE': os.devnull, 'PIP_NO_INDEX': '1', 'PIP_FIND_LINKS': '', 'PIP_NO_BUILD_ISOLATION': '0',
               'PIP_DISABLE_PIP_VERSION_CHECK': '1'}


def stack_venv(path: Path) -> Path:
    """A new venv at ``path`` that sees the stack's packages (not this checkout's editable install), with the stack's
    pip and mim as its own commands; returns its python."""
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(path)], check=True)
    python = path / 'bin/python'
    site = Path(subprocess.run([python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / '_stack.pth').write_text(f'import site; site.addsitedir({str(STACK)!r})\n')
    # mmpose requires chumpy, which make setup leaves out (requirements/nodeps.txt: it does not build and nothing
    # imports it); a record of it lets pip resolve everything else against the stack
    record = site / 'chumpy-0.70.dist-info'
    record.mkdir()
    (record / 'METADATA').write_text('Metadata-Version: 2.1\nName: chumpy\nVersion: 0.70\n')
    for name in ('pip', 'mim'):
        script = (STACK_BIN / name).read_text().split('\n', 1)[1]
        (path / 'bin' / name).write_text(f'#!{python}\n{script}')
        (path / 'bin' / name).chmod(0o755)
    return python


def run_in(python: Path, *args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python`` with ``args``, its venv first on PATH, from ``cwd``, without the test suite's PYTHONPATH."""
    environment = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    environment.update(OFFLINE_PIP, PATH=f'{python.parent}{os.pathsep}{os.environ["PATH"]}', **(env or {}))
    return subprocess.run([str(a) for a in (python, *args)], cwd=cwd, capture_output=True, text=True, env=environment,
                          timeout=600)


def succeeded(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.fixture(scope='module')
def wheel_venv(tmp_path_factory) -> Path:
    """A stack venv with this project's wheel installed (built with pip wheel, installed with its dependencies
    resolved against the stack, offline); returns its python."""
    source = tmp_path_factory.mktemp('source')
    for name in WHEEL_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns('__pycache__', '*.egg-info'))
        else:
            shutil.copy(ROOT / name, source / name)
    wheels = tmp_path_factory.mktemp('wheels')
    python = stack_venv(tmp_path_factory.mktemp('wheel_venv') / 'venv')
    succeeded(run_in(python, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-w', wheels, source,
                     cwd=wheels))
    [wheel] = wheels.glob('mspn_plugin-*.whl')
    succeeded(run_in(python, '-m', 'pip', 'install', wheel, cwd=wheels))
    return python


def test_the_wheel_imports_registers_and_tests_a_trained_model(wheel_venv, tiny_run, tmp_path):
    imported = run_in(wheel_venv, '-c', 'import mspn_plugin; from mmpose.registry import MODELS; '
                      'print(mspn_plugin.__file__); print(MODELS.get("MSPNBackbone").__module__)', cwd=tmp_path)
    succeeded(imported)
    location, module = imported.stdout.splitlines()[-2:]
    assert location.startswith(str(wheel_venv.parents[1] / 'lib'))
    assert module == 'mspn_plugin.models.backbones.mspn_backbone'

    # the tiny training's last checkpoint scores in the wheel's venv as its own validation (in the checkout) did
    output = succeeded(run_in(wheel_venv, ROOT / 'tools/test.py', TINY, tiny_run / 'iter_4.pth',
                              '--work-dir', tmp_path / 'test', cwd=tmp_path))
    scalars = [json.loads(line) for line in next(tiny_run.glob('*/vis_data/scalars.json')).read_text().splitlines()]
    validation_ap = [entry['coco/AP'] for entry in scalars if 'coco/AP' in entry][-1]
    assert float(re.findall(r'coco/AP: ([0-9.]+)', output)[-1]) == pytest.approx(validation_ap, abs=1e-4)


def test_a_stack_with_another_mmpose_version_gets_one_line(wheel_venv, tmp_path):
    record = tmp_path / 'older/mmpose-1.0.0.dist-info'  # found before the stack's mmpose
    record.mkdir(parents=True)
    (record / 'METADATA').write_text('Metadata-Version: 2.1\nName: mmpose\nVersion: 1.0.0\n')
    result = run_in(wheel_venv, '-c', 'import mspn_plugin', cwd=tmp_path, env={'PYTHONPATH': str(record.parent)})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'mspn_plugin.utils.stack_versions.UntestedVersionError: mmpose 1.0.0 is installed, mspn_plugin is tested '
        f'with {install_requirement("mmpose")} (set {ALLOW_UNTESTED}=1 to import it anyway)')
    assert 'mmpose/' not in result.stderr  # stopped before anything imported MMPose


def assert_editable_install(python: Path, tmp_path: Path) -> None:
    """``python`` finds mspn_plugin in the checkout, with install.txt's mmpose range in its installed metadata."""
    output = succeeded(run_in(python, '-c', 'import importlib.util as u, importlib.metadata as m; '
                              'print(u.find_spec("mspn_plugin").origin); '
                              'print(*[r for r in m.requires("mspn_plugin") if r.startswith("mmpose")])',
                              cwd=tmp_path))
    assert output.splitlines() == [str(ROOT / 'mspn_plugin/__init__.py'), str(install_requirement('mmpose'))]


def test_readme_pip_editable_install(tmp_path):
    python = stack_venv(tmp_path / 'venv')
    run_readme(PIP_INSTALL, env=dict(OFFLINE_PIP, PATH=f'{python.parent}{os.pathsep}{os.environ["PATH"]}'))
    assert_editable_install(python, tmp_path)


def test_readme_mim_editable_install(tmp_path):
    python = stack_venv(tmp_path / 'venv')
    run_readme(MIM_INSTALL, env=dict(OFFLINE_PIP, PATH=f'{python.parent}{os.pathsep}{os.environ["PATH"]}'))
    assert_editable_install(python, tmp_path)
