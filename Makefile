# Two commands on a fresh machine: `make demo` and `make test`.
# The interpreter of .venv: the operating system's own python3 when it is 3.11 or newer and can
# make a venv, else the first python3 on PATH; `make PYTHON=python3.12 test` picks another.
# Debian builds CPython with profile-guided and link-time optimization, which a build from source
# lacks unless asked (pyenv's default): normalization ran about 15% faster on Debian's 3.11.2 than
# on pyenv's 3.11.7 (bench/normalize_bench.py, paired runs).
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/microintern demo

test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest

# Every benchmark under bench/, full sizes (10-30 minutes): one table, one line in bench/results.jsonl.
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

clean:
	rm -rf $(VENV) data/raw data/logs data/*.db data/*.db-*
