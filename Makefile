# The two commands a newcomer needs: `make start` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: start install install-test test bench clean

$(BIN)/oricol: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

install: $(BIN)/oricol

# Installs, writes .env with fresh secrets on the first run, and starts the whole stack.
start: install
	$(BIN)/oricol init --if-missing
	$(BIN)/oricol start

install-test: install
	$(BIN)/pip install --quiet -e '.[test,s3]'
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error

# Installs what the tests need and runs the whole suite.
test: install-test
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) tests/js/node_modules
