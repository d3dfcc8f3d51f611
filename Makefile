# Seatstore. `make` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/seatstore
PORT ?= 8000
# Links in emails (redemption, invitation, training) point at the port `make run` serves.
SITE_URL ?= http://127.0.0.1:$(PORT)

.DEFAULT_GOAL := help
.PHONY: help install run test test-sqlite lint format services chromium compose docs bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed ## Create .venv and install the pinned dependencies

run: install ## Embedded default: SQLite, eager tasks, local outbox, demo data; serves on :8000 (PORT=…)
	$(BIN)/python manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo
	@echo "Seatstore: $(SITE_URL)/   admin: $(SITE_URL)/admin/   outbox: $(SITE_URL)/dev/outbox/"
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install services chromium compose ## Whole suite on PostgreSQL (Redis, a Celery worker, chromium), then on SQLite
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest
	$(MAKE) --no-print-directory test-sqlite

test-sqlite: install ## The suite on SQLite, the embedded default, less what needs PostgreSQL, a worker or a browser
	DATABASE_URL=sqlite:///$(CURDIR)/var/test-sqlite.db $(BIN)/pytest -m "not postgres and not worker and not browser"

lint: install ## ruff check and format check, import layers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install ## ruff format and fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

services: ## Start PostgreSQL and Redis if they are not running
	@scripts/ensure-services

bench: install services ## Benchmarks on PostgreSQL (FIGURES="1 2 ..." picks some); prints a table, writes JSON
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench $(FIGURES)

docs: install ## Regenerate the seat state graph (docs/seat-states.dot) from the model
	$(BIN)/python manage.py graph_transitions seats.Seat > docs/seat-states.dot

chromium: ## Install Debian's chromium for the browser tests (skipped when present)
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

compose: ## Install Debian's docker-compose, which validates docker-compose.yml without an engine
	@command -v docker-compose >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq docker-compose)
