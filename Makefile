# One command runner for Loket. `make run` and `make test` are the two a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# English is the source language: only NL and FR have catalogues.
MESSAGES_ARGS := --no-location --no-obsolete -l nl -l fr --ignore=tests --ignore=staticfiles --ignore=test-artifacts --ignore=node_modules

.PHONY: run test lint fmt check messages messages-check worker beat lock compilemessages bench lighthouse

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamps record which lock file was installed, so an updated lock reinstalls.
$(VENV)/.base-installed: requirements/base.txt | $(PY)
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.test-installed: requirements/test.txt | $(PY)
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@ $(VENV)/.base-installed

# Babel compiles the catalogues, so a fresh machine needs no GNU gettext to run Loket.
compilemessages: $(VENV)/.base-installed
	$(BIN)/pybabel --quiet compile --directory locale --domain django

run: $(VENV)/.base-installed compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

test: $(VENV)/.test-installed compilemessages
	$(BIN)/pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# CI's static checks: migrations are in step with models, translations complete and current.
check: $(VENV)/.test-installed compilemessages
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check_messages

# Refresh locale/ from the code (needs GNU gettext); then translate what is new.
messages: $(VENV)/.base-installed
	$(MANAGE) makemessages $(MESSAGES_ARGS)

worker: $(VENV)/.base-installed
	$(BIN)/celery -A loket worker --loglevel=info

beat: $(VENV)/.base-installed
	$(BIN)/celery -A loket beat --loglevel=info

lock: | $(PY)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra test -o requirements/test.txt pyproject.toml

# Benchmarks (docs/benchmarks.md, docs/performance.md) on a PostgreSQL database of their own,
# made afresh each time: `make bench BENCH_DB=other` to use another name.
BENCH_DB ?= loket_bench
BENCH_PG ?= -h 127.0.0.1 -U postgres
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
# benchmarks/pages.py keeps databases of its own (loket_bench_pages_<size>); a quick run:
# `make bench BENCH_PAGES_ARGS="--sizes 500,5000 --duration 5 --rounds 2"`.
BENCH_PAGES_ARGS ?=

bench: $(VENV)/.test-installed
	dropdb $(BENCH_PG) --if-exists $(BENCH_DB)
	createdb $(BENCH_PG) $(BENCH_DB)
	DATABASE_URL=$(BENCH_URL) $(MANAGE) migrate --noinput -v 0
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/saved_search_matching.py
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/matching.py
	$(PY) benchmarks/pages.py $(BENCH_PAGES_ARGS)
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/dashboards.py

# Lighthouse's performance score of the public pages and the application form, served as in
# production (benchmarks/lighthouse.py; Chromium at /usr/bin/chromium, Lighthouse by npx).
LIGHTHOUSE_ARGS ?=

lighthouse: $(VENV)/.test-installed
	$(PY) benchmarks/lighthouse.py $(LIGHTHOUSE_ARGS)
