# Every target creates .venv when missing and installs the locked dependencies into it (uv, from requirements.lock).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
SCALE ?= 1000
PYTEST_ARGS ?=

.PHONY: install chromium pango demo test test-fast bench lint lock clean docs docs-gen

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install -q uv
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps --config-settings editable_mode=compat -e .
	@rm -f $(VENV)/.installed-* && touch $@

demo: install
	$(BIN)/crmhub demo --scale $(SCALE)

# One thread per OpenMP/BLAS pool in every test process (pytest, its workers, the sandboxes and crmhub processes they
# start): two xdist workers on two cores must not each spin up a thread per core. CatBoost ignores these; the
# analytics tests set its thread count themselves (tests/unit/analytics/conftest.py).
TEST_ENV := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
TEST_WORKERS ?= 2

# Everything: unit, contract and integration tests, the slow volume tests included (what CI runs), in two phases
# (docs/tests.md): every test not marked serial on TEST_WORKERS pytest-xdist workers, grouped so that a sandbox
# starts once per worker (tests/support/phases.py); then the serial tests alone. The second phase runs even when the
# first failed, so one run shows every failure; a phase left without tests by PYTEST_ARGS (pytest's exit 5) is no
# failure.
test: install chromium pango
	@status=0; \
	set -x; \
	$(TEST_ENV) $(BIN)/python -m pytest --phase parallel -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS) \
	  || [ $$? -eq 5 ] || status=1; \
	$(TEST_ENV) $(BIN)/python -m pytest --phase serial $(PYTEST_ARGS) || [ $$? -eq 5 ] || status=1; \
	exit $$status

# The browser tests (tests/browser/) drive Debian's `chromium` with Playwright (`playwright install` cannot download
# a browser here): installed with apt-get when absent and apt-get may run (as root, or with password-less sudo), the
# package lists refreshed only when the first try fails. Otherwise the browser tests skip, saying why.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo -n"; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    $$sudo apt-get install -y -qq chromium >/dev/null 2>&1 \
	      || { $$sudo apt-get update -qq >/dev/null 2>&1 && $$sudo apt-get install -y -qq chromium >/dev/null 2>&1; } \
	      || echo "could not install chromium with apt-get: the browser tests will skip"; \
	  else echo "no chromium and no apt-get: the browser tests will skip"; fi; }

# WeasyPrint (the dashboard's PDF export) loads Pango, a system library: installed with apt-get when absent, as
# chromium is above. Without it the PDF export fails, saying which library it could not load.
pango:
	@ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || { \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo -n"; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's Pango for WeasyPrint"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    $$sudo apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 \
	      || { $$sudo apt-get update -qq >/dev/null 2>&1 && \
	           $$sudo apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1; } \
	      || echo "could not install Pango with apt-get: the PDF export and its tests will fail"; \
	  else echo "no Pango and no apt-get: the PDF export and its tests will fail"; fi; }

# The fast lane: the unit tests (no sandbox process, no network beyond the local databases), volume tests left out.
# One pytest-xdist worker per core, test by test: unit tests share no port, file or database (each store is a new
# database or a tmp_path file). The other tests need the grouping and phases of `make test`.
test-fast: install
	$(TEST_ENV) $(BIN)/python -m pytest tests/unit -m "not slow" -n auto $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

# The site in site/: --strict turns every broken link or missing nav page into a failure. Offline: the Material
# theme bundles its assets and mkdocs.yml enables no plugin that downloads.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Regenerate the CLI, config and canonical-field reference pages (a test fails when they are stale).
docs-gen: install
	$(BIN)/python -m hub.docsgen

# ruff for style and bugs, import-linter for the layer rules of the design (pyproject's [tool.importlinter]),
# mypy for the types (pyproject's [tool.mypy]: strict; the sandbox a little looser).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# Re-pin after editing pyproject.toml's dependencies.
lock: install
	$(BIN)/uv pip compile -q pyproject.toml --extra test --extra bench --extra docs --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .demo .pytest_cache .ruff_cache .mypy_cache site
