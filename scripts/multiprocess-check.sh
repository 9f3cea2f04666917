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
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PGDATA=$(mktemp -d /tmp/incidentdesk-pg.XXXXXX)
  PGPORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
  pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
  pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
     -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap 'pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"' EXIT
  "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q \
     -c "CREATE ROLE incidentdesk LOGIN SUPERUSER PASSWORD 'incidentdesk'" >/dev/null
  export INCIDENTDESK_DB_PORT=$PGPORT INCIDENTDESK_DB_PASSWORD=incidentdesk
fi

if ! "$BIN/python" scripts/multiprocess_check.py; then
  echo "!! THE MULTI-PROCESS CHECK FAILED (2 web servers, 2 workers, 2 schedulers on PostgreSQL): see above" >&2
  exit 1
fi
