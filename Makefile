# Navolging: `make run` to try it, `make test` to check it. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format messages bench install migrate demo clean check-deploy

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

## run: install, migrate, load the demo organisation when the database is empty, serve on :8000
run: migrate
	$(PY) manage.py demo --if-empty
	DEBUG=1 SECURE_COOKIES=0 $(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite, browser tests included (Debian's chromium: apt-get install chromium)
test: install
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest -n 2 --dist loadgroup

test-fast: install
	$(PY) -m pytest -n 2 -m "not browser"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: update the Dutch and English translation files and compile them
messages: install
	$(PY) manage.py makemessages --no-location --no-obsolete -l nl -l en -i ".venv/*" -i "staticfiles/*" -i "frontend/*"
	$(PY) manage.py compilemessages -i ".venv" -i "staticfiles" -i "frontend"

bench: install
	$(PY) bench/run.py
	$(PY) bench/schedule.py
	$(PY) bench/pairing.py

check-deploy: install
	DEBUG=0 SECRET_KEY=ci-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') SECURE_SSL_REDIRECT=1 \
	  FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())') \
	  ALLOWED_HOSTS=navolging.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
