# The two entry points of the README: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# A throwaway database name per run; pytest-django creates test_<name> and drops it afterwards.
PG_URL ?= postgres://postgres@127.0.0.1:5432/govinfo_ci_$(shell date +%s)_$$PPID

# The browser test drives Debian's Chromium (Playwright never downloads a browser of its own);
# a CJK font makes its screenshots readable.
CHROMIUM := /usr/bin/chromium

.PHONY: demo test test-sqlite test-postgres install install-test browser load bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei > /dev/null

browser: $(CHROMIUM)

# The demo runs as a developer's machine: DEBUG on, no secret key, plain HTTP (README「生产部署设置」).
demo: export DJANGO_DEBUG = 1
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_demo --url http://127.0.0.1:$(PORT)/
	@# A job worker beside the server (README「后台任务与生产服务器」), stopped when the server stops.
	$(BIN)/python manage.py db_worker --no-reload --interval 0.5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-test browser
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite: install-test browser
	$(BIN)/python -m pytest

test-postgres: install-test browser
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest

# The load test (bench/load.py): gunicorn and two job workers on a throwaway PostgreSQL database.
load: install
	$(BIN)/python bench/load.py

# Every benchmark of bench/, one after another (figures printed; needs the PostgreSQL server as
# `make test` does). Long: the page benchmark alone generates 100,000 reports on PostgreSQL.
bench: install
	for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done
