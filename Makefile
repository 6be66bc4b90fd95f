# Every target sets itself up: a fresh clone needs only python3 (3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The exact versions (with hashes) that make run, make test and CI install: see make lock.
LOCK   := requirements/lock.txt
# The venv is built anew, from the lock alone, whenever one of these files changes.
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml setup.py $(LOCK) | cksum | cut -d' ' -f1)
PIP_VERSION := 26.3
# Tools that are no part of the app, in a venv of their own: the lock's resolver, the auditor.
TOOLS  := .venv-tools
UV_VERSION := 0.13.8
PIP_AUDIT_VERSION := 2.10.1
TOOLS_STAMP := $(TOOLS)/.installed-uv$(UV_VERSION)-pip-audit$(PIP_AUDIT_VERSION)

.PHONY: run test test-latest lint typecheck bench bench-quick screenshots audit lock lock-upgrade clean

$(STAMP): pyproject.toml setup.py $(LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q pip==$(PIP_VERSION)
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m pip check
	touch $@

run: $(STAMP)
	$(BIN)/incident-desk

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

# The suite on the newest versions pyproject.toml's ranges allow, in a venv of its own, so an
# upgrade is tried before it is locked (make lock-upgrade).
test-latest:
	test -x .venv-latest/bin/python || $(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install -q --upgrade pip
	.venv-latest/bin/python -m pip install -q --upgrade --upgrade-strategy eager -e '.[test]'
	.venv-latest/bin/python -m pip freeze --exclude-editable
	QT_QPA_PLATFORM=offscreen .venv-latest/bin/pytest -q

$(TOOLS_STAMP):
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q uv==$(UV_VERSION) pip-audit==$(PIP_AUDIT_VERSION)
	touch $@

# Regenerate the lock from pyproject.toml (its runtime and test dependencies, for every
# platform and Python 3.11+), keeping each locked version that still fits.
lock: $(TOOLS_STAMP)
	$(TOOLS)/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' --quiet -o $(LOCK) $(LOCK_FLAGS)

# Move every pin to the newest version allowed; then make test, and commit the lock.
lock-upgrade: LOCK_FLAGS = --upgrade
lock-upgrade: lock

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.gazetteer
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.evidence
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.evidence_gui
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.duplicates
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.export

# CI runs this so the benchmark cannot rot; its times are printed, never judged.
bench-quick: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks --sizes 1000
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.export --sizes 1000 --runs 1

# Known vulnerabilities in the locked dependencies (needs the network; see .ci/audit).
audit: $(TOOLS_STAMP)
	$(TOOLS)/bin/pip-audit --progress-spinner off --disable-pip --require-hashes -r $(LOCK)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m desktop.views.screenshots build/screenshots

clean:
	rm -rf $(VENV) .venv-latest .venv-core $(TOOLS) build .pytest_cache .mypy_cache .ruff_cache
