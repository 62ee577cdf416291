# corridormap: two commands for a fresh machine with Python >= 3.11.
#   make run   set up .venv (runtime packages) and launch the dashboard on the bundled data
#   make test  set up .venv (runtime + test packages) and run lint, types, the JS checks and the
#             whole suite
# Versions are pinned by constraints.txt (regenerate with `make lock`).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run cluster test lint typecheck js pytest data validate messages bench bench-deploy lock vendor clean

# The packages are installed by uv (pinned here, installed into the venv by pip), which
# resolves, downloads and unpacks in parallel: about 25 s for a new venv with the test packages
# on this 2-core machine, where pip took 45-84 s; the same versions either way
# (constraints.txt). --compile-bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set (it
# is on these machines) nothing else writes the .pyc files, and every Python process of the
# suite would compile each module it imports again (a clean-clone CI run without it spent
# 170 s more CPU).
UV_VERSION ?= 0.13.9
INSTALL := $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

$(VENV)/.run-installed: $(BIN)/uv pyproject.toml constraints.txt
	$(INSTALL) -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/uv pyproject.toml constraints.txt
	$(INSTALL) -e '.[test]'
	touch $(VENV)/.run-installed $@

run: $(VENV)/.run-installed
	$(BIN)/streamlit run app.py --server.port $(PORT)

# The deployment's topology on this machine: REPLICAS warm-started replicas behind HAProxy
# (Debian package haproxy) on PORT, rendered from deploy/haproxy.cfg.j2 as compose.yaml's is.
# Foreground; Ctrl-C or SIGTERM stops everything. The replicas share one briefing database:
# CORRIDORMAP_DATABASE_URL if set, else a PostgreSQL server it starts under var/postgres (when
# PostgreSQL is installed), else the SQLite file var/corridormap.sqlite3; it says which.
REPLICAS ?= 2
cluster: $(VENV)/.run-installed
	$(BIN)/python deploy/cluster.py run --port $(PORT) --replicas $(REPLICAS)

# The static checks (about 30 s of one core, mostly mypy's) run beside the suite, which leaves
# part of the machine idle while pages load; each line of their output is kept whole.
test: $(VENV)/.test-installed node_modules/.installed
	$(MAKE) --no-print-directory -j4 --output-sync=line lint typecheck js pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

# The map's browser code (src/corridormap/static): Biome's lint and format check, then the unit
# tests of its pure parts with node's own runner. Biome is pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

js: node_modules/.installed
	npx --no-install biome ci
	node --test tests/js/

# pytest-xdist: one worker per core, each test sent on its own to whichever worker is free
# (tests/conftest.py says what else was measured). One tier alone: make pytest PYTEST_ARGS='-m unit' (or app, browser).
WORKERS ?= auto
PYTEST_ARGS ?=
pytest: $(VENV)/.test-installed
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup $(PYTEST_ARGS)

data: $(VENV)/.run-installed
	$(BIN)/corridormap build-data

validate: $(VENV)/.run-installed
	$(BIN)/corridormap validate

# The interface's languages (corridormap.i18n): extract the messages the code marks (_, N_,
# gettext, ngettext) into the template, then bring each language's catalog up to date with it
# (a new message empty, a changed one fuzzy: tests/test_i18n.py fails until it is translated
# and reviewed). The app reads the .po files themselves (compiled in memory when loaded), so no
# compiled catalog is kept. Terms: docs/glossary.md.
LANGS  := tr az ru
LOCALE := src/corridormap/locale
messages: $(VENV)/.run-installed
	$(BIN)/pybabel extract --project=corridormap --add-location=file --sort-output \
		--no-default-keywords -k _ -k N_ -k gettext -k ngettext:1,2 \
		-o $(LOCALE)/corridormap.pot app.py app_pages src/corridormap
	for lang in $(LANGS); do \
		$(BIN)/pybabel update --init-missing --ignore-obsolete -D corridormap -l $$lang \
			-i $(LOCALE)/corridormap.pot -d $(LOCALE) || exit 1; \
	done

$(VENV)/.bench-installed: $(VENV)/.test-installed
	$(INSTALL) -e '.[test,bench]'
	touch $@

# The benchmark suite: corridormap and a naive baseline side by side (about 17 min; QUICK=1
# for a few minutes). Results go to bench/results/.
bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run_all.py $(if $(QUICK),--quick,)

# The deployment's benchmarks (about 10 min; needs haproxy): a new replica's first run with and
# without the warm start, the cold load through the proxy paired with a plain one, and the
# sessions 1, 2 and 4 replicas hold beside the folium and pydeck peers.
bench-deploy: $(VENV)/.bench-installed
	$(BIN)/python bench/warm_start.py
	$(BIN)/python bench/cold_start.py --runs 4 --replicas 1 --paired
	$(BIN)/python bench/scaling.py

vendor: $(VENV)/.run-installed
	$(BIN)/python scripts/vendor_assets.py

# Resolve the newest versions that satisfy pyproject.toml in a scratch venv and pin them.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[test,bench]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^corridormap' > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
