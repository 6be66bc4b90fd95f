# Every target sets itself up: a fresh clone needs only python3 (3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck bench bench-quick screenshots audit clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)
	$(BIN)/incident-desk

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

# CI runs this so the benchmark cannot rot; its times are printed, never judged.
bench-quick: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks --sizes 1000

# Known vulnerabilities in the installed dependencies (needs the network; see .ci/audit).
audit: $(STAMP)
	$(BIN)/python -m pip install -q pip-audit
	$(BIN)/pip-audit --skip-editable --progress-spinner off

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m desktop.views.screenshots build/screenshots

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
