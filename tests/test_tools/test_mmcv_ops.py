"""tools/mmcv_ops.sh, the choice of setup_env.sh between mmcv's CUDA and CPU ops: CUDA only when the torch of the
given Python is a CUDA build that sees a GPU and nvcc exists, on PATH or under CUDA_HOME. Faked here: a stand-in
Python answers as such a torch would, and nvcc is a stand-in file (nothing is compiled)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from helpers.paths import TOOLS


def probe(python: Path | str, path: str, cuda_home: Path | str | None = None) -> str:
    env = {'PATH': path, **({'CUDA_HOME': str(cuda_home)} if cuda_home else {})}
    result = subprocess.run(['/bin/bash', str(TOOLS / 'mmcv_ops.sh'), str(python)], capture_output=True, text=True,
                            env=env, check=True)
    return result.stdout.strip()


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def fake_python(folder: Path, cuda: str) -> Path:
    """A stand-in for a Python whose torch reports CUDA ``cuda`` with a GPU ('' : a CPU build or no GPU)."""
    return executable(folder / 'python', f'#!/bin/sh\necho "{cuda}"\n')


@pytest.mark.parametrize('gpu_torch', [True, False])
@pytest.mark.parametrize('nvcc', ['on PATH', 'under CUDA_HOME', 'none'])
def test_cuda_ops_need_a_gpu_torch_and_nvcc(tmp_path, gpu_torch, nvcc):
    python = fake_python(tmp_path, '12.8' if gpu_torch else '')
    if nvcc == 'on PATH':
        executable(tmp_path / 'bin/nvcc', '#!/bin/sh\n')
    elif nvcc == 'under CUDA_HOME':
        executable(tmp_path / 'cuda/bin/nvcc', '#!/bin/sh\n')
    result = probe(python, path=str(tmp_path / 'bin'), cuda_home=tmp_path / 'cuda')
    assert result == ('cuda12.8' if gpu_torch and nvcc != 'none' else 'cpu')


def test_this_machines_torch():
    nvcc = shutil.which('nvcc') or (os.environ.get('CUDA_HOME') and shutil.which('nvcc', path=os.path.join(
        os.environ['CUDA_HOME'], 'bin')))
    expected = f'cuda{torch.version.cuda}' if nvcc and torch.cuda.is_available() else 'cpu'
    assert probe(sys.executable, path=os.environ['PATH'], cuda_home=os.environ.get('CUDA_HOME')) == expected
