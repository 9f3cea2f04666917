# Two commands for a new user:  make run  (web app with demo data; another port: make run PORT=8001)   make test  (the whole suite)
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres multiprocess screenshots lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/incidentdesk migrate --verbosity 0
	$(BIN)/incidentdesk demo
	@echo "IncidentDesk runs at http://127.0.0.1:$(PORT) with its background worker and reminders (stop with Ctrl-C)"
	$(BIN)/incidentdesk db_worker --interval 5 > var/worker.log 2>&1 & WORKER=$$!; \
	$(BIN)/incidentdesk remind --loop 60 > var/reminders.log 2>&1 & REMIND=$$!; \
	trap 'kill $$WORKER $$REMIND 2>/dev/null' EXIT INT TERM; \
	$(BIN)/incidentdesk runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	BIN=$(BIN) bash scripts/test-suite.sh

test-sqlite: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q

test-postgres: $(STAMP)
	INCIDENTDESK_DB_ENGINE=postgres $(BIN)/python -m pytest -n 2 -q

multiprocess: $(STAMP)
	BIN=$(BIN) bash scripts/multiprocess-check.sh

screenshots: $(STAMP)
	INCIDENTDESK_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/browser

bench: $(STAMP)  # full scale; each script alone re-measures existing data with --reuse (see docs/performance.md)
	$(BIN)/python bench/register.py --incidents 1000000
	$(BIN)/python bench/pages.py --incidents 1000000 --db var/bench/pages.sqlite3 --markdown
	$(BIN)/python bench/pages.py --incidents 1000000 --postgres --markdown

clean:
	rm -rf $(VENV) var
