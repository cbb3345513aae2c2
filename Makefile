# introducer: `make demo` to see it work, `make test` to check it. Both build .venv first.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXAMPLE := contacts.yaml.example

.PHONY: demo test lint typecheck pytest bench bench-large eval clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "introducer needs Python >= 3.11 (python3.11 or newer on PATH)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): install the venv module (Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# The demo keeps its history in a throwaway state file, so it shows the same day every time
# and never leaves a contacts.yaml.introducer.sqlite3 in the checkout.
demo: $(STAMP)
	$(BIN)/introducer --book $(EXAMPLE) check
	$(BIN)/introducer --book $(EXAMPLE) suggest
	@state=$$(mktemp -d) && trap 'rm -rf "$$state"' EXIT && \
	  echo "$(BIN)/introducer --book $(EXAMPLE) today" && \
	  $(BIN)/introducer --book $(EXAMPLE) --state "$$state/demo.sqlite3" today

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks eval

typecheck: $(STAMP)
	$(BIN)/mypy

# One worker per core (pytest-xdist): the suite is 2,400 tests of real processes and
# properties, 3 minutes on one core of this 2-core machine, 1 minute 40 on both.
pytest: $(STAMP)
	$(BIN)/pytest -n auto

test: lint typecheck pytest

# The package's byte code is compiled first, as an installed package has it: an editable
# install under PYTHONDONTWRITEBYTECODE would recompile every module on every timed run.
bench: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m compileall -q src
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_import_vcard.py
	$(BIN)/python benchmarks/bench_ledger.py
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_concentrated.py

# A million contacts (generated once into benchmarks/books/, ~300 MB): warm suggest and
# suggest --for as whole processes, with peak memory. Minutes; needs ~10 GB free.
bench-large: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m compileall -q src
	$(BIN)/python benchmarks/large.py $(BENCH_ARGS)

# Judgment, measured: the ranking of the graded books in eval/books/ (see eval/run.py).
# EVAL_ARGS=--verbose lists the top 20 with grades and the must-makes missed.
eval: $(STAMP)
	$(BIN)/python eval/run.py $(EVAL_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build src/*.egg-info
