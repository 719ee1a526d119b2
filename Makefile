# The two commands of the README: `make run` and `make test`.
# Needs only Python 3.11 on the machine; everything else goes into .venv.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DATE ?= 2016-03-01
HOST ?= 127.0.0.1
PORT ?= 5000
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

export FLASK_APP := vae_app
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-postgres install install-dev translations extract-messages demo migrate clean-db help screenshots

help:
	@echo "make run            venv, install, migrate, demo data, server on http://$(HOST):$(PORT)"
	@echo "make test           the whole test suite on SQLite"
	@echo "make test-postgres  the same suite on the local PostgreSQL (started if down; browser tests run once, in make test)"
	@echo "make screenshots    PNGs of the main pages with the demo data into docs/screenshots/"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %s); set PYTHON=/path/to/python3.11" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[postgres,server]'
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,server]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile --use-fuzzy -d vae_app/translations -D messages >/dev/null

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o vae_app/translations/messages.pot .
	$(BIN)/pybabel update -i vae_app/translations/messages.pot -d vae_app/translations -l en --no-fuzzy-matching

migrate: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask candidacies refresh-deadlines

demo: migrate
	VAE_TODAY=$${VAE_TODAY-$(DEMO_DATE)} $(BIN)/flask demo load

run: translations demo
	VAE_TODAY=$${VAE_TODAY-$(DEMO_DATE)} $(BIN)/flask run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev translations
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	VAE_TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

screenshots: $(VENV)/.installed-dev translations
	$(BIN)/python docs/screenshots.py

clean-db:
	rm -f instance/vae.sqlite3 instance/vae.sqlite3-wal instance/vae.sqlite3-shm
