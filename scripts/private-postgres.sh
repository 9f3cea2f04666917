# Sourced by scripts/test-suite.sh and scripts/multiprocess-check.sh: start a private PostgreSQL server (Debian's,
# in a temporary folder, on a free port, with a superuser role "incidentdesk"), stopped and removed when the
# calling script exits. Sets PGPORT. Expects BIN (the virtual environment's bin folder).
start_private_postgres() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PGDATA=$(mktemp -d /tmp/incidentdesk-pg.XXXXXX)
  PGPORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
  _pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
  _pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
     -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap '_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"' EXIT
  "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q \
     -c "CREATE ROLE incidentdesk LOGIN SUPERUSER PASSWORD 'incidentdesk'" >/dev/null
}

_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
