#!/usr/bin/env bash
# The whole suite, as `make test` and CI run it: installs what it needs (Debian's PostgreSQL and Chromium
# when missing), runs ruff, the suite on SQLite, then the same suite on a private PostgreSQL server it
# starts and stops itself. Leaves the git tree clean (screenshots go to a temporary folder; see
# `make screenshots`).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (Debian packages)"
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== ruff"
"$BIN/ruff" check .

echo "== the suite on SQLite"
"$BIN/python" -m pytest -n 2 -q

echo "== the suite on PostgreSQL"
source scripts/private-postgres.sh
start_private_postgres
INCIDENTDESK_DB_ENGINE=postgres INCIDENTDESK_DB_PORT=$PGPORT INCIDENTDESK_DB_PASSWORD=incidentdesk \
  "$BIN/python" -m pytest -n 2 -q

echo "== several processes on PostgreSQL: 2 web servers, 2 workers, 2 schedulers (scripts/multiprocess-check.sh)"
INCIDENTDESK_DB_PORT=$PGPORT INCIDENTDESK_DB_PASSWORD=incidentdesk BIN=$BIN bash scripts/multiprocess-check.sh
