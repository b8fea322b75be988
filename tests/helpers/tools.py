"""Running the tools: in this process through their ``main(argv)``, or as the README runs them."""
import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType

from .paths import ROOT, TOOLS
from .warm_python import run_warm, runs_warm

# subprocesses find the test helpers (helpers.hooks) the same way this process does
TEST_PYTHONPATH = os.pathsep.join(p for p in [str(ROOT / 'tests'), os.environ.get('PYTHONPATH', '')] if p)
# torchrun gives each process one thread only when a node runs several; the float summation order follows the
# thread count, so distributed runs whose weights are compared all set it
ONE_THREAD = {'OMP_NUM_THREADS': '1'}


def load_tool(name: str) -> ModuleType:
    """``tools/<name>.py`` as a module, to call its ``main(argv)`` in this process."""
    spec = importlib.util.spec_from_file_location(f'tool_{name.replace("/", "_")}', TOOLS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool_environment(env: dict | None) -> dict:
    return dict(os.environ, PYTHONPATH=TEST_PYTHONPATH, **{k: str(v) for k, v in (env or {}).items()})


def run(*args, env: dict | None = None, check: bool = True, timeout: float = 900,
        new_process: bool = False) -> subprocess.CompletedProcess:
    """Run a command from the repository root (as the README's commands are run); with ``check``, fail the test
    with the end of its output unless it succeeds. ``python SCRIPT ...`` runs in a pre-imported interpreter
    (:mod:`helpers.warm_python`) where its environment allows, unless ``new_process`` (for a command that measures
    its own process: a forked child shares the server's heap and page tables)."""
    args, full_env, server_env = [str(a) for a in args], tool_environment(env), tool_environment(None)
    warm = not new_process and runs_warm(args, full_env, server_env)
    result = run_warm(args, full_env, server_env, timeout) if warm else None
    if result is None:
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=full_env)
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def start(*args, log: Path, env: dict | None = None) -> subprocess.Popen:
    """Start a command as :func:`run` runs it, without waiting, its output (stdout and stderr) going to ``log``, in a
    process group of its own (``os.killpg(process.pid, ...)`` reaches everything it started)."""
    with open(log, 'w') as out:
        return subprocess.Popen([str(a) for a in args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env=tool_environment(env), start_new_session=True)
