# Panah: `make run` to try it, `make test` to check it. `make` alone lists the targets.
# Needs only Python 3.11 and make: everything else is installed into .venv from uv.lock.

PYTHON ?= python3
PORT ?= 8000
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Written after a successful sync; make re-syncs only when uv.lock is newer than it.
SYNCED := $(VENV)/.panah-synced

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

# uv must never fetch a Python of its own (only PyPI, Debian and npm are reachable), and the cache and .venv may
# sit on different file systems.
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: help run test lint bench migrate seed clean deps

help: ## List the targets
	@echo "Panah. Usage: make TARGET [PORT=8000] [ARGS='extra arguments']"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

deps: $(SYNCED) ## Install the locked dependencies into .venv (done by run, test and lint)

$(SYNCED): uv.lock
	@if [ ! -x $(BIN)/python ]; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV) || { echo "'$(PYTHON) -m venv' failed: on Debian/Ubuntu install python3-venv"; exit 1; }; \
	fi
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "Panah needs Python 3.11, $(VENV) has $$($(BIN)/python --version). Remove $(VENV) and run: make PYTHON=python3.11 ..."; \
		exit 1; }
	@if [ "$$($(BIN)/uv --version 2>/dev/null)" != "uv $(UV_VERSION)" ]; then \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; \
	fi
	@# --inexact: uv itself lives in .venv but not in uv.lock, and an exact sync would uninstall it.
	$(BIN)/uv sync --frozen --inexact --quiet
	@touch $@

# Demo mode (demo users, relaxed two-factor sign-in) unless the caller says otherwise: make run PANAH_DEMO_MODE=0
run: export PANAH_DEMO_MODE ?= 1
run: export PORT := $(PORT)
run: deps ## Install, migrate, load geography and demo users, then serve on 127.0.0.1:PORT with the worker
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_geography
	@if [[ "$${PANAH_DEMO_MODE,,}" =~ ^(1|true|yes|on)$$ ]]; then $(MANAGE) seed_demo; \
	else echo "PANAH_DEMO_MODE is off: no demo users seeded (create users with manage.py createsuperuser)"; fi
	bash scripts/serve.sh

test: deps ## Run the whole test suite (installs Chromium for the browser tests when run as root)
	bash scripts/test.sh $(ARGS)

lint: deps ## ruff, ruff format --check, mypy, import-linter, makemigrations --check
	bash scripts/lint.sh

bench: deps ## Run the benchmarks (bench/run.py)
	@if [ -f bench/run.py ]; then $(BIN)/python bench/run.py $(ARGS); \
	else echo "bench/run.py does not exist yet: no benchmarks to run"; fi

migrate: deps ## Apply database migrations
	$(MANAGE) migrate --noinput

seed: export PANAH_DEMO_MODE ?= 1
seed: deps ## Load the reference geography and the demo organisations and users
	$(MANAGE) load_geography
	$(MANAGE) seed_demo

clean: ## Remove caches and collected static files (keeps .venv and the database and keys in var/)
	rm -rf .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .hypothesis test-results var/static
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
