# The two user-facing commands are `make test` and `make demo`; both set the environment up first.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup test test-no-slurm test-fast test-slow demo lint
# the slow tests to run: all of them, or without the Slurm test (make test-no-slurm)
SLOW_TESTS = slow

setup:
	bash tools/setup_env.sh

test: setup
	$(MAKE) --no-print-directory test-fast test-slow

# for developers without root: the Slurm test needs root to start slurmctld, slurmd and munged
test-no-slurm: setup
	$(MAKE) --no-print-directory test-fast test-slow SLOW_TESTS="slow and not slurm"

# pytest-xdist: two workers on two cores (tests/conftest.py keeps the tests that share a training in one worker)
test-fast:
	$(PY) -m pytest -m "not slow" -n 2 --durations=10

test-slow:
	$(PY) -m pytest -m "$(SLOW_TESTS)" -n 2 --dist loadgroup --durations=25

demo: setup
	$(PY) tools/demo.py $(if $(WORK_DIR),--work-dir $(WORK_DIR))

lint:
	$(PY) -m ruff check .
