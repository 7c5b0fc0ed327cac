# Every target is one line and is what CI runs. The virtualenv is built with the first Python >= 3.11
# found, preferring 3.12 (3.11.7 has a CPython bug that kills Hypothesis-driven Schemathesis runs).
PYTHON ?= $(shell for p in python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.13 python3; do "$$p" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
SPECS ?= specs
HOST ?= 127.0.0.1
PORT ?= 4010
# `make run` keeps what clients store across restarts (`make run STATE=` starts from the seeds).
STATE ?= .specmock-state.json

.PHONY: run test lint types unit system check bench bench-hostile corpus clean

run: $(VENV)/.installed
	$(BIN)/specmock serve $(SPECS) --host $(HOST) --port $(PORT) $(if $(STATE),--state-file $(STATE))

test: lint types unit

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench && $(BIN)/ruff format --check src tests bench

types: $(VENV)/.installed
	$(BIN)/mypy

unit: $(VENV)/.installed system
	$(BIN)/pytest

# The browser tests drive Debian's Chromium (the dashboard's through Selenium and chromedriver) and
# the Redis store's tests a real redis-server; as root (CI) they are installed when missing,
# elsewhere the tests say how (and fail under CI=true rather than skip).
system:
	@{ command -v chromium && command -v chromedriver && command -v redis-server; } >/dev/null || [ "$$(id -u)" != 0 ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver redis-server >/dev/null; }

bench: $(VENV)/.installed
	$(BIN)/python bench/compare.py

bench-hostile: $(VENV)/.installed
	$(BIN)/python bench/hostile.py

# Real-world specs from pinned npm packages, each served and fuzzed (bounded; cache outside the repo).
corpus: $(VENV)/.installed
	$(BIN)/python bench/corpus.py

check: $(VENV)/.installed
	$(BIN)/specmock check $(SPECS)

$(VENV)/.installed: pyproject.toml
	(test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)) && $(BIN)/pip install --quiet -e '.[dev]' && touch $@

clean:
	rm -rf $(VENV) build src/*.egg-info .mypy_cache .pytest_cache .ruff_cache
