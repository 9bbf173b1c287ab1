# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Development commands run in development mode (DEBUG=1): the production settings refuse to
# start without real secrets (config/security.py), which a developer's machine has no need
# of. Error pages stay the site's own; `DEBUG_PAGES=1 make run` shows Django's technical ones.
DEV := DEBUG=1

.PHONY: run test lint format install migrate demo bench fuzz messages clean

BENCH ?=

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV) $(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "DiemCau is starting at http://127.0.0.1:8000/  (Ctrl-C stops web, worker and beat)"
	@echo ""
	$(DEV) $(BIN)/honcho start -f Procfile.dev

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	node --test tests/js/
	$(BIN)/pytest

# Figures at national scale on PostgreSQL (DATABASE_URL's server, in a database of its own).
bench: install
	$(BIN)/python -m bench $(BENCH)

# Schemathesis against the API, as a provincial organiser and as a coordinator, for
# FUZZ_SECONDS each with a new seed (FUZZ_SEED=n repeats a run); `make test` runs a shorter
# one with a fixed seed. DATABASE_URL chooses the database, as for the tests.
FUZZ_SECONDS ?= 120
fuzz: install
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RANDOM=1 $(BIN)/pytest tests/config/test_fuzz.py -v

messages: install
	$(DEV) $(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore=node_modules --ignore=.venv
	$(DEV) $(BIN)/python manage.py compilemessages -l vi --ignore=node_modules --ignore=.venv

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/celery-broker var/celerybeat-schedule*
