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

BENCHES := estimate cli_start ask faq_match ack preconnect ledger

# Every script runs whatever an earlier one measured; the target fails at the end, naming
# the scripts that missed a target, so no figure is silently left out.
bench: install
	@failed=""; for b in $(BENCHES); do \
	  echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || failed="$$failed $$b"; \
	done; \
	if [ -n "$$failed" ]; then echo "missed a target:$$failed"; exit 1; fi

sync-prices: install  ## regenerate prices/data/*.yaml from genai-prices
	$(BIN)/python -m prices.sync

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
