# The verbs of the project. `make demo` and `make test` are the two commands a
# newcomer runs; both set up everything they need.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DEMO_DIR ?= .demo
DEMO_ADDR ?= 127.0.0.1:8000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379

.PHONY: install demo test test-sqlite test-postgres services bench bench-quick lint audit dist dist-check docs deploy clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@test -f $(DEMO_DIR)/manage.py || $(BIN)/rustforge startproject demo $(DEMO_DIR)
	cd $(DEMO_DIR) && ../$(PY) manage.py migrate
	@echo "Serving the demo project at http://$(DEMO_ADDR)/"
	cd $(DEMO_DIR) && ../$(PY) manage.py runserver $(DEMO_ADDR)

services: $(STAMP)
	bash tests/setup-services.sh

# The suite runs twice, on SQLite and on PostgreSQL, side by side; each run
# has its own Redis databases (queue, cache backend tests) so they never meet. Output is printed
# per run when it finishes.
test: services
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: $(STAMP)
	RUSTFORGE_TEST_REDIS_URL=$(REDIS_TEST_URL)/10 \
	RUSTFORGE_TEST_CACHE_REDIS_URL=$(REDIS_TEST_URL)/12 $(PY) -m pytest -q

test-postgres: $(STAMP)
	RUSTFORGE_TEST_REDIS_URL=$(REDIS_TEST_URL)/11 \
	RUSTFORGE_TEST_CACHE_REDIS_URL=$(REDIS_TEST_URL)/13 \
	RUSTFORGE_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -q

bench: services
	bash tests/benchmarks/run.sh

bench-quick: services
	bash tests/benchmarks/run.sh --quick

# ruff, then the import contracts of setup.cfg (layers, independent apps, no
# falcon below the web layer), then mypy over the package ([tool.mypy] in
# pyproject.toml); tests/test_import_graph.py adds "no cycle at all".
lint: $(STAMP)
	$(BIN)/ruff check rustforge tests
	$(BIN)/lint-imports
	$(BIN)/mypy

# Known vulnerabilities in the installed dependencies (a package that cannot be
# looked up fails the run too: --strict), and a CycloneDX SBOM in dist/.
audit: $(STAMP)
	mkdir -p dist
	$(BIN)/pip-audit --strict --progress-spinner off --skip-editable
	$(BIN)/cyclonedx-py environment --pyproject pyproject.toml --of JSON -o dist/sbom.cdx.json $(PY)

# An sdist and a wheel in dist/; the wheel is built from the sdist.
dist: $(STAMP)
	rm -rf dist/rustforge-*
	$(PY) -m build --outdir dist .

# The smoke test of a release: build, install the wheel into a fresh venv, serve a new project.
dist-check: $(STAMP)
	$(PY) -m pytest -q tests/release

docs:
	@ls docs/*.md

# deploy/ is what `startproject --with-deploy` writes for a project named
# mysite (plus its gunicorn.conf.py), rendered from project_template/; a test
# fails when the two drift apart.
deploy: $(STAMP)
	rm -rf deploy
	$(PY) -c 'from pathlib import Path; from rustforge.management.commands.startproject import write_deploy_files; write_deploy_files(Path("deploy"), "mysite", with_gunicorn_conf=True)'

clean:
	rm -rf $(VENV) $(DEMO_DIR) build dist *.egg-info .pytest_cache
