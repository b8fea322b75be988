"""``python SCRIPT ARGS`` (and ``python -c CODE ARGS``) without the interpreter's start-up: the script runs in a
child forked from a server process that imported torch, MMEngine, MMCV and MMPose once
(:mod:`helpers.warm_python_server`).

Importing that stack costs about 7 s of CPU a process on this machine, and the tests run the README's tool commands
some thirty times. The child runs the script as a new interpreter would: same argv, ``sys.path[0]``, working
directory and environment; its own stdout, stderr and exit status. Commands whose environment changes what the
server's imports already read (thread counts, interpreter and library settings) run as real processes instead: see
:func:`runs_warm`.
"""
import atexit
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .paths import ROOT

SERVER = Path(__file__).with_name('warm_python_server.py')
# variables read when the interpreter or the pre-imported libraries start ('PYTHON' alone is the tools' own)
READ_AT_START = ('PYTHON', 'OMP_', 'MKL_', 'KMP_', 'OPENBLAS', 'TORCH', 'PYTORCH', 'CUDA', 'NVIDIA', 'MMCV', 'LD_')


def runs_warm(args: list[str], env: dict, server_env: dict) -> bool:
    """Whether ``args`` is ``<this interpreter> SCRIPT.py ...`` (or ``-c CODE ...``) and ``env`` sets nothing read
    at start-up differently from ``server_env``, the server's environment."""
    python = args[0] if args else ''
    if not (len(args) >= 2 and args[1].endswith('.py') or len(args) >= 3 and args[1] == '-c'):
        return False
    if python not in ('.venv/bin/python', sys.executable) and Path(python).resolve() != Path(sys.executable).resolve():
        return False
    changed = {k for k in set(env) | set(server_env) if env.get(k) != server_env.get(k)}
    return not any(k.startswith(READ_AT_START) and k != 'PYTHON' for k in changed)


class _Server:
    """One server per test process, started at the first request and stopped at exit."""

    _instance = None
    _starting = threading.Lock()

    def __init__(self, env: dict):
        self.busy = threading.Lock()
        self.process = subprocess.Popen([sys.executable, str(SERVER)], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)
        atexit.register(self.stop)

    @classmethod
    def get(cls, env: dict) -> '_Server':
        with cls._starting:
            if cls._instance is None or cls._instance.process.poll() is not None:
                cls._instance = cls(env)
            return cls._instance

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)

    def answer(self, word: str) -> int:
        line = self.process.stdout.readline()
        assert line.startswith(f'{word} '), f'warm Python server: expected {word!r}, got {line!r}'
        return int(line.split()[1])


def run_warm(args: list[str], env: dict, server_env: dict, timeout: float) -> subprocess.CompletedProcess | None:
    """Run ``args`` (``python SCRIPT ...``, see :func:`runs_warm`) from the repository root in a child of the server
    started with ``server_env``; the result as ``subprocess.run(capture_output=True, text=True)`` gives it
    (``TimeoutExpired`` after ``timeout`` seconds, the child killed). ``None`` while the server runs a command of
    another thread (commands that run together, such as two nodes of one training, must not wait for each other):
    the caller starts a process instead."""
    server = _Server.get(server_env)
    if not server.busy.acquire(blocking=False):
        return None
    try:
        with tempfile.TemporaryDirectory() as folder:
            out, err = Path(folder, 'stdout'), Path(folder, 'stderr')
            request = dict(argv=args[1:], cwd=str(ROOT), env=env, stdout=str(out), stderr=str(err))
            server.process.stdin.write(json.dumps(request) + '\n')
            pid = server.answer('pid')
            timer = _Killer(pid, timeout)
            try:
                status = server.answer('status')
            finally:
                timer.cancel()
            stdout = out.read_text(errors='backslashreplace')
            stderr = err.read_text(errors='backslashreplace')
    finally:
        server.busy.release()
    if timer.fired:
        raise subprocess.TimeoutExpired(args, timeout, stdout, stderr)
    return subprocess.CompletedProcess(args, status, stdout, stderr)


class _Killer:
    """Kills process group ``pid`` after ``timeout`` seconds unless cancelled."""

    def __init__(self, pid: int, timeout: float):
        self.pid, self.fired = pid, False
        self.timer = threading.Timer(timeout, self._kill)
        self.timer.start()

    def _kill(self) -> None:
        self.fired = True
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def cancel(self) -> None:
        self.timer.cancel()
