# studybot: `make run` to try the bot in this terminal, `make test` to run every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SOURCES := pyproject.toml $(shell find bot adapters scheduler studybot content -type f \( -name '*.py' -o -name '*.yaml' \) 2>/dev/null)

.PHONY: run test lint bench bench-pg picture mutate schema check-python clean

run: $(VENV)/.installed
	$(BIN)/studybot console

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile
	$(BIN)/studybot content check
	$(BIN)/pytest

# After editing content/services.yaml or the loader's rules: the editor schemas follow.
schema: $(VENV)/.installed
	$(BIN)/studybot content schema --content-dir content

bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench.py

# The same phases on PostgreSQL (a database is made on this server for the run, then dropped).
BENCH_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/test
bench-pg: $(VENV)/.installed-test
	STUDYBOT_DATABASE_URL=$(BENCH_POSTGRES) $(BIN)/python bench/bench.py

# The README's sample progress cards (docs/progress-*.png), drawn as the bot draws them.
picture: $(VENV)/.installed-test
	$(BIN)/python docs/picture.py

# Mutation testing, not part of `make test` (README, "Development and tests"): mutmut changes the
# core's use cases, stores and daily scheduler one mutant at a time, on both cores, then prints
# mutants tried, killed and survived, and each survivor; it fails on one not explained in
# tests/MUTATION-SURVIVORS.md.
mutate: $(VENV)/.installed-mutate
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python -m tests.mutation_report

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "studybot needs Python 3.11 or newer (found: $$($(PYTHON) --version 2>&1))."; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

# A plain (non-editable) install, the same as the Docker image's: it proves the package ships its content.
# setuptools reuses build/: a module moved or deleted since the last install would ship again.
$(VENV)/.installed: $(BIN)/python $(SOURCES)
	rm -rf build
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python $(SOURCES)
	rm -rf build
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[test]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-mutate: $(BIN)/python $(SOURCES)
	rm -rf build
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[test,mutate]'
	@touch $@ $(VENV)/.installed-test $(VENV)/.installed

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
