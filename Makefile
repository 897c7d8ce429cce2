# The two commands: `make run` and `make test`. Everything else is a helper.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run serve install test e2e e2e-deps load bench sample lint clean

# Install once; again only when a requirements file changes. Runtime packages are in
# requirements.txt (all the Docker image has), development ones in requirements-dev.txt.
install: $(STAMP)
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

run: install
	$(BIN)/python -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

# A shared, hosted instance: workbench.hosted.toml (override with WORKBENCH_CONFIG), login, read-only data.
WORKBENCH_CONFIG ?= workbench.hosted.toml
serve: install
	WORKBENCH_CONFIG=$(WORKBENCH_CONFIG) $(BIN)/python -m streamlit run app.py --server.port $(PORT) \
	  --server.address 0.0.0.0 --server.headless true --browser.gatherUsageStats false \
	  --server.fileWatcherType none --server.maxUploadSize 200

# End-to-end browser tests (Playwright + Debian's chromium); also part of `make test`.
e2e: install e2e-deps
	$(BIN)/python -m pytest -q tests/e2e

# Load check (not in make test): N concurrent browser sessions on the sample shop.
N ?= 4
ROUNDS ?= 1
load: install e2e-deps
	$(BIN)/python tests/e2e/load.py --sessions $(N) --rounds $(ROUNDS)

# Browser tests need Debian's chromium and a CJK font; install them when missing (root on CI).
e2e-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	    || echo "could not install chromium/fonts-noto-cjk: browser tests will be skipped"; }

# ruff format + check, and the import contracts of pyproject.toml (core ↛ streamlit, CLI ↛ UI, importer ↛ UI)
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint e2e-deps
	$(BIN)/python -m pytest -q

sample: install
	$(BIN)/python -m workbench sample --out sample_data

# Load, facts and every query at 10M orders, with the pandas cross-check (bench/results.md).
# The generated shop is kept in bench/ (git-ignored) and reused. BENCH_ORDERS="10000000 100000000" for more.
BENCH_ORDERS ?= 10000000
bench: install
	$(BIN)/python -m workbench bench --orders $(BENCH_ORDERS) --temp-dir bench/tmp --out bench/results.md

clean:
	rm -rf $(VENV) .pytest_cache
