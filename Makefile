# One entry point for humans and CI. Each target creates .venv itself on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_CACHE := $(abspath ../shared/tiktoken_cache)
# Offline machines: use the shared tiktoken cache when it is there (an empty value would turn
# tiktoken's own cache off, so the variable is only set when the folder exists).
ifeq ($(origin TIKTOKEN_CACHE_DIR),undefined)
ifneq ($(wildcard $(SHARED_CACHE)/README.md),)
export TIKTOKEN_CACHE_DIR := $(SHARED_CACHE)
endif
endif

.PHONY: install postgres-server requirements run test check lint types bench sync-prices clean

$(BIN)/tokencost: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/tokencost

run: install  ## run the bot on its embedded default: console, SQLite file, bundled prices
	$(BIN)/tokencost serve

# The store and HTTP tests also run on a throwaway PostgreSQL server (tests/pg_cluster.py),
# which needs Debian's server binaries (initdb, pg_ctl). A fresh machine gets them here when
# we are root (CI is); otherwise the target says how, and stops.
postgres-server:
	@if [ -z "$$TOKENCOST_PG_BINDIR" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing the PostgreSQL server for the tests (apt-get install postgresql)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else \
	    echo "PostgreSQL server binaries missing: run 'sudo apt-get install postgresql'"; exit 1; \
	  fi; \
	fi

test: install postgres-server  ## the whole test suite (SQLite, plus PostgreSQL where marked)
	$(BIN)/pytest -q

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: install
	$(BIN)/mypy prices faq bot
	$(BIN)/mypy tests bench

check: lint types test

BENCHES := estimate cli_start ask faq_match ack preconnect ledger store_backends

# Every script runs whatever an earlier one measured; the target fails at the end, naming
# the scripts that missed a target, so no figure is silently left out.
bench: install
	@failed=""; for b in $(BENCHES); do \
	  echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || failed="$$failed $$b"; \
	done; \
	if [ -n "$$failed" ]; then echo "missed a target:$$failed"; exit 1; fi

requirements:  ## regenerate requirements.txt (pinned runtime dependencies) from pyproject.toml
	rm -rf .req-venv && $(PY) -m venv .req-venv && .req-venv/bin/pip install --quiet .
	{ printf '%s\n' "# Pinned runtime dependencies for platforms that install from requirements.txt (Heroku's" \
	    "# Python buildpack detects the app by this file). Generated from pyproject.toml by" \
	    "# \`make requirements\`; tests/test_packaging.py keeps the two in step."; \
	  .req-venv/bin/pip freeze --exclude tokencost-bot; } > requirements.txt
	rm -rf .req-venv

sync-prices: install  ## regenerate prices/data/*.yaml from genai-prices
	$(BIN)/python -m prices.sync

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
