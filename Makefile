# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
ARGS ?=
# The suite runs in two pytest-xdist workers (CI's machine has two cores); WORKERS=0 runs it in
# this process, as `make test WORKERS=0 ARGS="--pdb ..."` wants.
WORKERS ?= 2

# Settings for the test suite: production-like (DEBUG off), no TLS redirect, tasks run at once,
# plain static storage so no collectstatic is needed. DATABASE_URL passes through (SQLite when
# unset).
TEST_ENV := DEBUG=0 SECRET_KEY=insecure-test-only-key SECURE_SSL_REDIRECT=0 TASKS_BACKEND=immediate \
	ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage

.PHONY: install run test lint format bench clean

install: $(VENV)/.installed

# Python 3.12+ is required; `python3` here is often 3.11, on which pip quietly installs an old
# Django. Try the usual names, then pyenv's installs, and stop with a clear message if none fits.
$(VENV)/.installed: pyproject.toml
	@set -e; \
	found=""; \
	for candidate in python3.14 python3.13 python3.12 \
		$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
		if $$candidate -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
			found=$$candidate; break; \
		fi; \
	done; \
	if [ -z "$$found" ]; then \
		echo "Newsroom needs Python 3.12 or newer, and none was found (tried python3.14, python3.13," >&2; \
		echo "python3.12, pyenv's versions and python3). Install one, e.g. 'pyenv install 3.13'." >&2; \
		exit 1; \
	fi; \
	if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
		echo "Creating $(VENV) with $$found ($$($$found --version))"; \
		rm -rf $(VENV); \
		$$found -m venv $(VENV); \
	fi; \
	$(PY) -m pip install --quiet --upgrade pip; \
	$(PY) -m pip install --quiet -e '.[dev]'; \
	touch $@

# load_demo loads only into an empty database: a second `make run` keeps what was edited.
# Tasks (renditions, e-mail, purges) go to a worker beside the server, as in production, and
# Ctrl-C stops both; `make run TASKS_BACKEND=immediate` runs them in the request, no worker.
run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py create_local_admin --port $(PORT)
ifeq ($(TASKS_BACKEND),immediate)
	DEBUG=1 TASKS_BACKEND=immediate $(PY) manage.py runserver 127.0.0.1:$(PORT)
else
	DEBUG=1 TASKS_BACKEND=database $(PY) manage.py runserver_with_worker 127.0.0.1:$(PORT)
endif

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest -n $(WORKERS) $(ARGS)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
