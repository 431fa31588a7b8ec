# 12315 case workflow: `make run` starts the whole system, `make test` runs the test suite.
# Needs only Python 3.11+ on a fresh machine; the virtualenv is created on first use.
# DATABASE_URL / REDIS_URL from the environment are honoured (default: SQLite + filesystem broker).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.requirements.stamp

.DEFAULT_GOAL := help
.PHONY: help venv run test bench clean

help:
	@echo "make run            migrate, load demo data, start web + celery worker + beat"
	@echo "make test           run the test suite (pytest)"
	@echo "make bench NAME=x   run python -m bench.x $(ARGS) against DATABASE_URL"
	@echo "make venv           create/update $(VENV) from requirements.txt"

venv: $(STAMP)

# Re-installs whenever requirements.txt is newer than the stamp.
$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

run: $(STAMP)
	PYTHON=$(PY) bash scripts/run.sh

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@test -n "$(NAME)" || { echo "usage: make bench NAME=<module in bench/> [ARGS='--size N']"; exit 2; }
	$(PY) -m bench.$(NAME) $(ARGS)

clean:
	rm -rf .pytest_cache test-artifacts staticfiles
