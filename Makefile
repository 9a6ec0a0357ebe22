# PeerPulse: `make run` serves the sample community; `make test` runs the whole suite;
# `make test-fast` runs the tests that need no server, browser or real model (the inner loop);
# `make check` runs the linters and the type checker, as CI does before the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SAMPLE := corpora/sample
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install install-dev run sample test test-fast lint typecheck check eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,onnx]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

sample: install
	$(BIN)/peerpulse db upgrade
	$(BIN)/peerpulse roster import $(SAMPLE)/members.csv --community admin-circle
	@for f in $(SAMPLE)/google_forms_*.csv $(SAMPLE)/surveymonkey_*.csv $(SAMPLE)/qualtrics_*.csv $(SAMPLE)/checkins.jsonl; do \
		$(BIN)/peerpulse ingest "$$f" --community admin-circle || exit $$?; \
	done
	$(BIN)/peerpulse goals import $(SAMPLE)/goals.csv --community admin-circle
	$(BIN)/peerpulse analyze --community admin-circle

run: sample
	@echo "Admin token (shown once): $$($(BIN)/peerpulse tokens create --role admin --name make-run)"
	@echo "Open http://$(HOST):$(PORT)/c/admin-circle and sign in with that token."
	$(BIN)/peerpulse serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest

# Markers are applied from the fixtures a test uses (tests/conftest.py); one worker per core.
test-fast: install-dev
	$(BIN)/python -m pytest -n auto -m "not postgres and not redis and not browser and not models"

lint: install-dev
	$(BIN)/ruff check service tests evaluation
	$(BIN)/ruff format --check service tests evaluation

# Configured in pyproject.toml's [tool.mypy]: all of service/, strict on the framework-free core.
typecheck: install-dev
	$(BIN)/mypy

check: lint typecheck

eval: install-dev
	$(BIN)/python -m evaluation all

bench: install-dev
	$(BIN)/python -m evaluation speed

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
