# The two commands of the README: `make run` and `make test`. Only python3 is assumed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint setup demo clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# axe-core for the browser tests' accessibility checks (node_modules/ is git-ignored).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## Set up the SQLite archive with the demo speeches and serve it at http://127.0.0.1:8000, with a job worker
run: export DJANGO_EMAIL_BACKEND ?= console
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_speeches demo/
# A job worker beside the web server: the admin's imports and the alerts' digests run there.
	$(PY) manage.py run_jobs & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; $(PY) manage.py runserver 127.0.0.1:8000

## Run the whole test suite (lint, migrations check, tests)
test: $(STAMP) node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm db.sqlite3-cache var/cache var/previews staticfiles
