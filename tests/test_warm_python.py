"""The pre-imported interpreter that runs the README's ``python SCRIPT ARGS`` commands (tests/helpers/warm_python.py)
must be indistinguishable, to the script, from a new interpreter."""
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from helpers.paths import ROOT
from helpers.tools import run, tool_environment
from helpers.warm_python import run_warm, runs_warm

pytestmark = pytest.mark.slow

SCRIPT = '''
import json, os, sys
print(json.dumps(dict(argv=sys.argv, path0=sys.path[0], cwd=os.getcwd(), name=__name__,
                      variable=os.environ.get('WARM_TEST_VARIABLE'), stdin=sys.stdin.read(),
                      ours_imported='mspn_plugin' in sys.modules)))
print('to stderr', file=sys.stderr)
import atexit
atexit.register(lambda: print('at exit'))
sys.exit(int(sys.argv[1]))
'''


def test_a_script_sees_what_a_new_interpreter_gives_it(tmp_path):
    script = tmp_path / 'script.py'
    script.write_text(SCRIPT)
    args = [sys.executable, str(script), '3', 'a b']
    env = tool_environment({'WARM_TEST_VARIABLE': 'value'})
    assert runs_warm(args, env, tool_environment(None))
    warm = run_warm(args, env, tool_environment(None), timeout=60)
    real = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert (warm.returncode, warm.stdout, warm.stderr) == (real.returncode, real.stdout, real.stderr)
    assert warm.returncode == 3 and '"variable": "value"' in warm.stdout and warm.stdout.endswith('at exit\n')
    assert '"ours_imported": false' in warm.stdout


def test_code_given_with_c_sees_what_a_new_interpreter_gives_it():
    args = [sys.executable, '-c', 'import sys; print(__name__, sys.argv, repr(sys.path[0])); sys.exit(sys.argv[1])',
            'a message']
    warm = run_warm(args, tool_environment(None), tool_environment(None), timeout=60)
    real = subprocess.run(args, cwd=ROOT, env=tool_environment(None), capture_output=True, text=True)
    assert (warm.returncode, warm.stdout, warm.stderr) == (real.returncode, real.stdout, real.stderr)
    assert warm.returncode == 1 and warm.stdout == "__main__ ['-c', 'a message'] ''\n" and warm.stderr == 'a message\n'


def test_an_uncaught_exception_and_a_timeout_end_as_in_a_new_interpreter(tmp_path):
    script = tmp_path / 'script.py'
    script.write_text('import sys, time\nif sys.argv[1] == "raise":\n    raise ValueError("bad")\ntime.sleep(60)\n')
    failed = run(sys.executable, script, 'raise', check=False)
    assert failed.returncode == 1 and failed.stderr.strip().endswith('ValueError: bad')
    with pytest.raises(subprocess.TimeoutExpired):
        run(sys.executable, script, 'sleep', timeout=1)


def test_settings_read_at_start_up_get_a_new_interpreter():
    server = tool_environment(None)
    args = [sys.executable, 'tools/train.py']
    assert runs_warm(args, tool_environment({'PORT': '1', 'PYTHON': sys.executable}), server)
    assert not runs_warm(args, tool_environment({'OMP_NUM_THREADS': '7'}), server)
    assert not runs_warm(args, dict(server, PYTHONPATH='/elsewhere'), server)
    assert not runs_warm(['bash', 'tools/dist_train.sh'], server, server)
    assert runs_warm([sys.executable, '-c', 'print(1)'], server, server)
    assert not runs_warm([sys.executable, '-m', 'pytest'], server, server)


def test_commands_of_two_threads_run_together(tmp_path):
    """The second of two simultaneous commands gets a process of its own: each waits here for the other's file."""
    script = tmp_path / 'script.py'
    script.write_text('import pathlib, sys, time\n'
                      'folder, mine, other = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]\n'
                      '(folder / mine).touch()\n'
                      'while not (folder / other).exists():\n'
                      '    time.sleep(0.05)\n')
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda names: run(sys.executable, script, tmp_path, *names, timeout=120),
                                [('a', 'b'), ('b', 'a')]))
    assert [r.returncode for r in results] == [0, 0]
