# The two commands a newcomer needs: `make start` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: start install install-test lint test bench clean web

# The web app (web/ → oricol/webapp/dist): rebuilt when missing or older than any of its sources.
WEB_DIST := oricol/webapp/dist/index.html
WEB_SRC  := $(shell find web/src web/studio web/index.html web/package.json web/package-lock.json \
              web/vite.config.ts web/tsconfig.json web/tailwind.config.js web/postcss.config.js -type f 2>/dev/null)
NPM_QUIET := --no-audit --no-fund --loglevel=error

$(BIN)/oricol: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

install: $(BIN)/oricol

web/node_modules/.package-lock.json: web/package-lock.json
	@command -v npm >/dev/null || { echo "make: Node.js >= 20 and npm are needed to build the web app (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	cd web && npm ci $(NPM_QUIET)
	@touch $@

$(WEB_DIST): web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && npm run build
	@touch $@

# Builds the web bundle. Without Node the API still starts, and / says how to build the app.
web:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(WEB_DIST); \
	else echo "make: Node.js >= 20 and npm are not installed, so the web app is not built (the API still runs; Debian: apt-get install nodejs npm)" >&2; fi

# Installs, builds the web app when stale, writes .env with fresh secrets on the first run, starts the whole stack.
start: install web
	$(BIN)/oricol init --if-missing
	$(BIN)/oricol start

install-test: install web
	$(BIN)/pip install --quiet -e '.[test,s3]'
	cd tests/js && npm ci $(NPM_QUIET)

# Linters (configured in pyproject.toml): ruff on the code and tests, mypy on the package (strict on the shared layer).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# Installs what the tests need, lints, and runs the whole suite on TEST_WORKERS processes (pytest-xdist): each
# worker has its own PostgreSQL cluster, live servers and ports; a test file stays on one worker, so its module
# fixtures start once and the browser specs (one file) never run two Chromiums at a time. TEST_WORKERS=0: serial.
TEST_WORKERS ?= 2
test: lint
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: install-test
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) tests/js/node_modules web/node_modules oricol/webapp/dist
