# Stancemap: one entry point for running, testing and checking the app.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python 3.12+ on PATH (Django 6 needs 3.12 or newer).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v $$p; break; fi; done)
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.8
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for the second test run of `make ci`.
PG_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# Two workers by default: the suite (browser tests included) takes half the time.
PYTEST_ARGS ?= -n auto

.PHONY: help python install run serve demo test test-sqlite test-postgres lint format typecheck migrations-check ci bench clean

help:
	@echo "make run               set up, load the demo and serve on http://$(HOST):$(PORT)/"
	@echo "make serve             the production setup: uvicorn (ASGI) and a task worker"
	@echo "make test              run the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)"
	@echo "make ci                lint, typecheck, migrations check, tests on SQLite and PostgreSQL"

python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found on PATH. Install Python 3.12+ (Django 6 needs it) and run make again," >&2; \
	  echo "or name one: make run PYTHON=/path/to/python3.12" >&2; exit 1; fi

$(UV): | python
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	@UV_PYTHON=$(PYTHON) UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced

demo: install
	@$(BIN)/python manage.py migrate --no-input -v 0
	@$(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "  Stancemap is serving on http://$(HOST):$(PORT)/"
	@echo "  Sign in as demo / demo (owner of the project “Japan–Russia relations”)."
	@echo ""
	@$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production setup: an ASGI server (uvicorn, WEB_WORKERS processes; in each, event
# streams in the event loop and other requests on WEB_THREADS threads, see config/asgi.py)
# and a task worker on the database queue, which looks for work every WORKER_INTERVAL
# seconds (an import job waits that long at most to start; each look is one short query);
# Ctrl+C stops both.
WEB_WORKERS ?= 2
WEB_THREADS ?= 10
WORKER_INTERVAL ?= 0.1
serve: install
	@$(BIN)/python manage.py collectstatic --no-input -v 0
	@$(BIN)/python manage.py migrate --no-input -v 0
	@echo "  Stancemap is serving on http://$(HOST):$(PORT)/ ($(WEB_WORKERS) web processes and a worker)"
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	  TASKS_BACKEND=database $(BIN)/python manage.py db_worker --no-reload --interval $(WORKER_INTERVAL) & \
	  TASKS_BACKEND=database WEB_THREADS=$(WEB_THREADS) $(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT) \
	    --workers $(WEB_WORKERS) --no-access-log --timeout-graceful-shutdown 5 & \
	  wait

test: install
	@$(BIN)/pytest $(PYTEST_ARGS)

test-sqlite: install
	@echo "== tests on SQLite"
	@env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== tests on PostgreSQL ($(PG_DATABASE_URL))"
	@DATABASE_URL=$(PG_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: install
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

typecheck: install
	@$(BIN)/mypy .

migrations-check: install
	@env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run

ci: lint typecheck migrations-check test-sqlite test-postgres

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache staticfiles
