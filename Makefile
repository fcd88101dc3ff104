# Two commands do all set-up on a fresh machine:
#   make chat   create .venv, install, refresh the index, start the web chat on http://127.0.0.1:7860
#   make test   create .venv with test extras, then lint, type-check and run the whole test suite
# torch is pinned in constraints.txt (the CPU build); every install here goes through it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install -q -c constraints.txt

.PHONY: chat test index eval bench lint install install-test clean

$(VENV)/.app: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $@

$(VENV)/.test: $(VENV)/.app
	$(PIP) -e '.[test]'
	touch $@

install: $(VENV)/.app
install-test: $(VENV)/.test

chat: $(VENV)/.app
	$(BIN)/assistant serve

index: $(VENV)/.app
	$(BIN)/assistant index

eval: $(VENV)/.app
	$(BIN)/assistant eval

bench: $(VENV)/.app
	$(BIN)/python benchmarks/bench.py

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) index/chroma index/manifest.json test-artifacts
