# The two user-facing commands are `make test` and `make demo`; both set the environment up first.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup test test-fast test-slow demo lint

setup:
	bash tools/setup_env.sh

test: setup
	$(MAKE) --no-print-directory test-fast test-slow

test-fast:
	$(PY) -m pytest -m "not slow"

test-slow:
	$(PY) -m pytest -m slow

demo: setup
	$(PY) tools/demo.py $(if $(WORK_DIR),--work-dir $(WORK_DIR))

lint:
	$(PY) -m ruff check .
