# The two user-facing commands are `make test` and `make demo`; both set the environment up first.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup slurm-packages test test-no-slurm test-fast test-slow demo lint
# the slow tests to run: all of them, or without the Slurm test (make test-no-slurm)
SLOW_TESTS = slow

setup:
	bash tools/setup_env.sh

# The Slurm test starts a one-node cluster (slurmctld, slurmd, munged), which needs root, and Debian's Slurm and
# munge packages: installed here (once; seconds after that). Without root, make test stops before anything else.
slurm-packages:
	@if [ "$$(id -u)" -ne 0 ]; then \
	  echo "make test: the Slurm test needs root (to install Slurm and munge and start a one-node cluster); without root, run: make test-no-slurm" >&2; \
	  exit 1; \
	fi
	bash tests/slurm/install_slurm.sh

test: slurm-packages setup
	$(MAKE) --no-print-directory test-fast test-slow

# for developers without root: everything but the Slurm test
test-no-slurm: setup
	$(MAKE) --no-print-directory test-fast test-slow SLOW_TESTS="slow and not slurm"

# pytest-xdist: two workers on two cores (tests/conftest.py keeps the tests that share a training in one worker)
test-fast:
	$(PY) -m pytest -m "not slow" -n 2 --durations=10

# --no-loadscope-reorder: run the groups in the order tests/conftest.py sorts them (the demo's training first);
# pytest-xdist would otherwise send the groups with the most tests first
test-slow:
	$(PY) -m pytest -m "$(SLOW_TESTS)" -n 2 --dist loadgroup --no-loadscope-reorder --durations=25

demo: setup
	$(PY) tools/demo.py $(if $(WORK_DIR),--work-dir $(WORK_DIR))

lint:
	$(PY) -m ruff check .
