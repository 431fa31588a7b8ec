# 12315 case workflow: `make run` starts the whole system, `make test` runs the test suite.
# Needs only Python 3.11+ on a fresh machine; the virtualenv is created on first use.
# DATABASE_URL / REDIS_URL from the environment are honoured (default: SQLite + filesystem broker).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.requirements.stamp
UV_PIN := $(shell grep -E '^uv==' requirements-dev.txt)
COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 --no-header

.DEFAULT_GOAL := help
.PHONY: help venv run test bench lock lock-check clean

help:
	@echo "make run            the demo: migrate, load demo data, start web + celery worker + beat (DEBUG=1)"
	@echo "make test           run the test suite (pytest)"
	@echo "make bench NAME=x   run python -m bench.x $(ARGS) against DATABASE_URL"
	@echo "make venv           create/update $(VENV) from requirements-dev.lock (hashes checked)"
	@echo "make lock           re-lock after editing requirements.txt (production) or requirements-dev.txt"
	@echo "                    (tests, tools): writes requirements.lock and requirements-dev.lock with hashes,"
	@echo "                    keeping every version already locked, then installs. After a merge that"
	@echo "                    touched requirements*.txt or a conflict in a .lock file: take either side of"
	@echo "                    the .lock files, run make lock, commit both .lock files."
	@echo "                    (a server installs requirements.lock: README, 'Installing on a server')"

venv: $(STAMP)

# Installs exactly what is locked; refuses a lock older than the requirements (scripts/lock_check.py).
$(STAMP): requirements.lock requirements-dev.lock requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@$(PYTHON) scripts/lock_check.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@

lock-check:
	@$(PYTHON) scripts/lock_check.py

# Works with stale or conflicted locks: uv comes from its pin, not from the lock; existing .lock
# files are only preferences (a lock with conflict markers is dropped and resolved anew).
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet "$(UV_PIN)"
	@for f in requirements.lock requirements-dev.lock; do \
		if grep -qE '^(<<<<<<<|>>>>>>>|=======)' $$f 2>/dev/null; then echo "$$f has conflict markers: resolving anew"; rm -f $$f; fi; \
	done
	$(COMPILE) requirements.txt -o requirements.lock
	$(COMPILE) requirements-dev.txt -c requirements.lock -o requirements-dev.lock
	@$(PYTHON) scripts/lock_check.py
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $(STAMP)

run: $(STAMP)
	PYTHON=$(PY) bash scripts/run.sh

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@test -n "$(NAME)" || { echo "usage: make bench NAME=<module in bench/> [ARGS='--size N']"; exit 2; }
	DEBUG=$${DEBUG:-1} $(PY) -m bench.$(NAME) $(ARGS)  # the in-process benches run on the development key

clean:
	rm -rf .pytest_cache test-artifacts staticfiles
