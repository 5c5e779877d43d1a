# phaseout — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: demo test env assets lint fmt ci clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

# The Python environment, exactly as locked in uv.lock.
env: $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --quiet

# Front-end packages from the npm registry, exactly as locked in package-lock.json.
assets: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

demo: env assets
	DEBUG=1 $(BIN)/phaseout migrate --noinput
	DEBUG=1 $(BIN)/phaseout demo
	DEBUG=1 $(BIN)/phaseout runserver 127.0.0.1:8000

test: env assets
	$(BIN)/pytest $(PYTEST_ARGS)

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: env
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules data
