#!/usr/bin/env bash
# The production shape on PostgreSQL, for real (issue 16): 2 gunicorn servers, 2 task workers and 2 schedulers,
# flooded with alerts and reports, then checked (scripts/multiprocess_check.py says what). Exits non-zero on any
# failure. `make multiprocess` runs it alone; scripts/test-suite.sh runs it after the PostgreSQL suite.
#
# With INCIDENTDESK_DB_PORT set it uses that server (INCIDENTDESK_DB_HOST/USER/PASSWORD, a superuser or a role
# that may create databases) and makes a new database on it; without, it starts a private PostgreSQL server
# like scripts/test-suite.sh does, and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

if [ -z "${INCIDENTDESK_DB_PORT:-}" ]; then
  source scripts/private-postgres.sh
  start_private_postgres
  export INCIDENTDESK_DB_PORT=$PGPORT INCIDENTDESK_DB_PASSWORD=incidentdesk
fi

if ! "$BIN/python" scripts/multiprocess_check.py; then
  echo "!! THE MULTI-PROCESS CHECK FAILED (2 web servers, 2 workers, 2 schedulers on PostgreSQL): see above" >&2
  exit 1
fi
