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

.PHONY: install run test check lint types bench sync-prices clean

$(BIN)/tokencost: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/tokencost

run: install  ## run the bot on its embedded default: console, SQLite file, bundled prices
	$(BIN)/tokencost serve

test: install  ## the whole test suite
	$(BIN)/pytest -q

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: install
	$(BIN)/mypy prices faq bot
	$(BIN)/mypy tests bench

check: lint types test

bench: install
	$(BIN)/python bench/estimate.py
	$(BIN)/python bench/ask.py
	$(BIN)/python bench/faq_match.py
	$(BIN)/python bench/ack.py
	$(BIN)/python bench/ledger.py

sync-prices: install  ## regenerate prices/data/*.yaml from genai-prices
	$(BIN)/python -m prices.sync

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
