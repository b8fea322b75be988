"""The server side of :mod:`helpers.warm_python`: imports the third-party stack once, then forks a child per
request that runs ``python SCRIPT ARGS`` (or ``python -c CODE ARGS``) as a new interpreter would: argv,
``sys.path[0]``, working directory, environment, stdout and stderr to files, ``__main__``, exit status, atexit
handlers.

Protocol, one JSON request per line on stdin: ``{"argv": [SCRIPT or "-c", ...], "cwd": ..., "env": {...},
"stdout": path, "stderr": path}``; the server answers ``pid N`` when the child starts and ``status N`` when it ends
(N as ``subprocess`` reports it: minus the signal number for a child killed by a signal).

Nothing of this project is imported here (``mspn_plugin`` registers its modules in each child, as a real run does).
"""
import atexit
import json
import os
import runpy
import signal
import sys
import traceback

# what every tool imports anyway; the imports, not the tools, are most of a tool's start-up time here
import mmcv  # noqa: F401
import mmengine.runner  # noqa: F401
import mmpose.codecs  # noqa: F401
import mmpose.datasets  # noqa: F401
import mmpose.evaluation  # noqa: F401
import mmpose.models  # noqa: F401
import mmpose.visualization  # noqa: F401
import torch  # noqa: F401


def _exit_code(error: SystemExit) -> int:
    if error.code is None or isinstance(error.code, int):
        return error.code or 0
    print(error.code, file=sys.stderr)  # sys.exit('message'), as the interpreter reports it
    return 1


def _run_main(argv: list[str]) -> None:
    """``SCRIPT ARGS`` or ``-c CODE ARGS``, with the ``sys.argv`` and ``sys.path[0]`` the interpreter would give."""
    if argv[0] == '-c':
        sys.argv, sys.path[0] = ['-c', *argv[2:]], ''
        main = type(sys)('__main__')
        sys.modules['__main__'] = main
        exec(compile(argv[1], '<string>', 'exec'), main.__dict__)
    else:
        script = os.path.abspath(argv[0])
        sys.argv, sys.path[0] = list(argv), os.path.dirname(script)
        runpy.run_path(script, run_name='__main__')


def _run_child(request: dict) -> None:
    """In the forked child: become ``python SCRIPT ARGS`` and leave with its exit status (never returns)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # a process group of its own, as subprocess.run(start_new_session=True) would make
        os.chdir(request['cwd'])
        os.environ.clear()
        os.environ.update(request['env'])
        for fd, path in ((1, request['stdout']), (2, request['stderr'])):
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, 'w', closefd=False)
        sys.stderr = open(2, 'w', closefd=False, errors='backslashreplace')
        try:
            _run_main(request['argv'])
            code = 0
        except SystemExit as error:
            code = _exit_code(error)
        except BaseException:  # noqa: BLE001  (as the interpreter does: traceback on stderr, status 1)
            traceback.print_exc()
            code = 1
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _run_child(request)
        print(f'pid {pid}', flush=True)
        _, status = os.waitpid(pid, 0)
        print(f'status {os.waitstatus_to_exitcode(status)}', flush=True)


if __name__ == '__main__':
    serve()
