# Two entry points do all set-up on a fresh machine with Python 3.11:
#   make demo   install, generate the demo group company, run the whole pipeline, print where results are
#   make test   install, run the whole test suite
SHELL := /bin/bash
SCALE ?= 0.01
SEED ?= 42
# uv from PATH when there is one, else the copy pip puts beside this Python (`python3 -m uv`).
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: help uv-bootstrap install browser-deps dbt-parse demo test lint format clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

uv-bootstrap:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

# --compile-bytecode: PYTHONDONTWRITEBYTECODE may be set (it is on our machines), and then every
# process (`yecai run`, each dbt subprocess) compiles dagster, dbt-core, GX… from source on
# import, ~4 CPU s per `yecai run` and ~1 s per dbt start (docs/benchmarks.md).
install: uv-bootstrap  ## create .venv from uv.lock (exact versions), with compiled bytecode
	$(UV) sync --frozen --compile-bytecode

browser-deps:  ## Debian's Chromium for the browser tests (no tool may download its own browser here)
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei; \
	fi

# The dbt project is the company's (YECAI_HOME/dbt, installing the product package dbt_project/);
# `yecai dbt` gives it the source registry and paths. Needs a company in the home (make demo).
dbt-parse: install  ## write YECAI_HOME/dbt/target/manifest.json, which the Dagster definitions load
	YECAI_HOME=$${YECAI_HOME:-$(CURDIR)/.yecai} $(UV) run yecai dbt -- parse --quiet

demo: install  ## generate the demo company (SCALE=0.01) and run the whole pipeline on it
	SCALE=$(SCALE) SEED=$(SEED) UV="$(UV)" bash scripts/demo.sh

# Two pytest-xdist workers by default (CI has two cores): tests/conftest.py says what stays on one
# worker. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2

test: install browser-deps  ## lint, then every test: unit, integration, e2e, browser (TEST_WORKERS=2)
	$(UV) run ruff check .
	$(UV) run pytest -n $(TEST_WORKERS)

lint:  ## ruff lint and format check
	$(UV) run ruff check . && $(UV) run ruff format --check .

format:
	$(UV) run ruff format . && $(UV) run ruff check --fix .

clean:  ## remove the demo installation under ./.yecai (with its dbt project's target)
	rm -rf .yecai dbt_project/target dbt_project/logs
