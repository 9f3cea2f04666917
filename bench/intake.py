"""Benchmark monitoring intake with 1, 2 and 4 sender processes, on SQLite or PostgreSQL, beside a bare insert.

    python bench/intake.py --requests 2000                       # SQLite, 1, 2 and 4 processes
    python bench/intake.py --requests 2000 --postgres            # PostgreSQL (INCIDENTDESK_DB_HOST/PORT/USER/PASSWORD)
    python bench/intake.py --requests 100                        # smoke size (run by the test suite)

Requests go through Django's full WSGI stack in-process (middleware, token check, HMAC check, parsing,
deduplication, one transaction per request). Each post is signed with its time and is a different body (a
repeat of the same signed post within the window is refused as a replay). Half of the alerts repeat a
fingerprint already open, so both paths of deduplication run. With N processes, N forked senders (each its
own database connection, as N server workers) share the same requests and the same fingerprints.

Floor, per row, in the same run: a bare single-row INSERT and COMMIT per alert into the same table from the
same number of processes (what the database itself does with that many writers). Also printed: the SQL
queries of one signed alert (a new fingerprint and a repeat), counted with CaptureQueriesContext.

With ``--postgres`` a new database ``idk_bench_intake_<pid>`` is made on the server the INCIDENTDESK_DB_* variables
name (default 127.0.0.1:5432, user incidentdesk) and dropped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET = 1000
SECRET = b"bench-secret"


def setup_sqlite() -> str:
    db = Path(tempfile.mkdtemp(prefix="incidentdesk-intake-")) / "intake.sqlite3"
    os.environ.update(INCIDENTDESK_DATA_DIR=str(db.parent), INCIDENTDESK_DB_NAME=str(db),
                      INCIDENTDESK_DB_ENGINE="sqlite")
    return str(db)


def setup_postgres() -> str:
    """A new database on the server named by the environment; its name (dropped by ``drop_postgres``)."""
    import psycopg

    name = f"idk_bench_intake_{os.getpid()}"
    os.environ.update(INCIDENTDESK_DB_ENGINE="postgres", INCIDENTDESK_DB_NAME=name,
                      INCIDENTDESK_DATA_DIR=tempfile.mkdtemp(prefix="incidentdesk-intake-"))
    with psycopg.connect(**_server(), dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return name


def _server() -> dict:
    return {"host": os.environ.get("INCIDENTDESK_DB_HOST", "127.0.0.1"),
            "port": int(os.environ.get("INCIDENTDESK_DB_PORT", "5432")),
            "user": os.environ.get("INCIDENTDESK_DB_USER", "incidentdesk"),
            "password": os.environ.get("INCIDENTDESK_DB_PASSWORD", "")}


def drop_postgres(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(**_server(), dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_timed(work, processes: int, count: int) -> float:
    """Items per second of ``work(part, processes)`` run in ``processes`` forked processes (each its own
    connection); one process runs in this one."""
    import multiprocessing

    from django.db import connections

    if processes == 1:
        started = time.perf_counter()
        work(0, 1)
        return count / (time.perf_counter() - started)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_child, args=(work, part, processes)) for part in range(processes)]
    started = time.perf_counter()
    for child in children:
        child.start()
    for child in children:
        child.join()
        assert child.exitcode == 0, "a sender failed"
    return count / (time.perf_counter() - started)


def _child(work, part: int, processes: int) -> None:
    from django.db import connections

    try:
        work(part, processes)
    finally:
        connections.close_all()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--processes", default="1,2,4", help="Sender process counts to measure, comma separated")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL from INCIDENTDESK_DB_* (default SQLite)")
    parser.add_argument("--plain-sqlite", action="store_true",
                        help="Django's own SQLite backend, without the writers' file lock (for comparison)")
    args = parser.parse_args(argv)
    counts = [int(p) for p in args.processes.split(",") if p.strip()]
    os.environ.update(DJANGO_SETTINGS_MODULE="incidentdesk.settings", INCIDENTDESK_DEBUG="true")
    database = setup_postgres() if args.postgres else setup_sqlite()
    try:
        engine = "PostgreSQL" if args.postgres else "SQLite (Django's plain backend)" if args.plain_sqlite else "SQLite"
        return measure(args.requests, counts, engine)
    finally:
        if args.postgres:
            drop_postgres(database)


def measure(n: int, counts: list[int], engine: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False  # no query log
    if engine.startswith("SQLite ("):
        settings.DATABASES["default"]["ENGINE"] = "django.db.backends.sqlite3"
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from incidentdesk.accounts.services import set_role
    from incidentdesk.accounts.tokens import create_token
    from incidentdesk.intake.models import AlertSource, TriageItem
    from incidentdesk.organisation.services import save_profile

    save_profile(by=None, name="Bench", country="BE", time_zone="Europe/Brussels")
    user = get_user_model().objects.create_user("bench", password="not-used-here-123")
    set_role(user=user, role="incident_manager", by=None)
    token = create_token(user=user, name="bench", scopes=["intake"], by=None)[1]
    AlertSource.objects.create(name="Bench", slug="bench", hmac_secret=SECRET.decode())
    client = Client(HTTP_HOST="localhost")

    def send(payload: dict) -> None:
        body = json.dumps(payload).encode()
        stamp = str(int(time.time()))  # signed with the time: each post is accepted once (README)
        signature = "sha256=" + hmac.new(SECRET, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        response = client.post("/api/intake/alerts?source=bench", data=body, content_type="application/json",
                               headers={"Authorization": f"Bearer {token}", "X-IncidentDesk-Timestamp": stamp,
                                        "X-IncidentDesk-Signature": signature})
        assert response.status_code == 202, response.content

    def alert(run: str, i: int) -> dict:
        model = i % (n // 2 or 1)  # every fingerprint comes twice: half new, half folded into an open item
        return {"title": f"Toxicity above threshold on model {model}", "details": f"post {i} {time.time_ns()}",
                "labels": {"model": str(i % 50)}, "fingerprint": f"{run}-{model}"}

    send(alert("warm", 0))  # first request: imports, URL resolver
    queries = {}
    for shape, fingerprint in (("new fingerprint", "q-1"), ("repeat", "q-1")):
        with CaptureQueriesContext(connection) as captured:
            send({"title": "Query count", "fingerprint": fingerprint, "details": shape})
        queries[shape] = len(captured.captured_queries)

    rows = {}
    for processes in counts:
        def generic_part(part: int, of: int, run: str = f"p{processes}") -> None:
            for i in range(part, n, of):
                send(alert(run, i))

        def floor_part(part: int, of: int, run: str = f"floor{processes}") -> None:
            bare_inserts(run, part, of, n)

        def atomic_part(part: int, of: int, run: str = f"atomic{processes}") -> None:
            bare_inserts(run, part, of, n, through_django=True)

        rows[processes] = (run_timed(generic_part, processes, n), run_timed(floor_part, processes, n),
                           run_timed(atomic_part, processes, n))

    batches = max(1, n // 20)
    started = time.perf_counter()
    for b in range(batches):
        send({"version": "4", "groupKey": f"b{b}", "alerts": [
            {"status": "firing", "labels": {"alertname": "Drift", "model": f"m{j}"},
             "annotations": {"summary": f"Drift on m{j}"}, "fingerprint": f"am-{(b * 20 + j) % (batches * 10 or 1)}"}
            for j in range(20)]})
    webhook = batches * 20 / (time.perf_counter() - started)
    items = TriageItem.objects.exclude(reference__startswith="FLOOR")
    expected = {f"p{p}": n // 2 if n > 1 else 1 for p in counts}
    for run, count in expected.items():  # deduplication stayed exact with several senders
        made = items.filter(fingerprint__startswith=f"{run}-").count()
        assert made == count, f"{run}: {made} triage items, expected {count} (one per fingerprint)"

    result = {"backend": type(connections["default"]).__module__, "engine": engine,
              "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              "load": _load(), "requests": n, "queries": queries, "webhook_alerts_per_s": webhook,
              "rows": {p: {"alerts_per_s": a, "floor_per_s": f, "atomic_per_s": w} for p, (a, f, w) in rows.items()}}
    flag = " --postgres" if engine == "PostgreSQL" else " --plain-sqlite" if engine.startswith("SQLite (") else ""
    print(f"Run {result['date']} on {result['machine']}, {engine}, load average {result['load']}: "
          f"python bench/intake.py --requests {n} --processes {','.join(map(str, counts))}{flag}")
    print(f"Queries of one signed alert: {queries['new fingerprint']} (new fingerprint), "
          f"{queries['repeat']} (repeat folded into its open item)")
    print("| measure | alerts/s | floor (bare INSERT+COMMIT per alert, same processes, same run) | floor / measure "
          "| the same INSERT in Django's atomic() | target |")
    print("|---|---|---|---|---|---|")
    for processes, (alerts, floor, atomic) in rows.items():
        print(f"| generic alert, 1 per request, {processes} process{'es' if processes > 1 else ''} | {alerts:,.0f} "
              f"| {floor:,.0f} | {floor / alerts:.1f}× | {atomic:,.0f} | ≥ {TARGET:,}/s |")
    print(f"| Alertmanager webhook, 20 per request, 1 process | {webhook:,.0f} | {rows[counts[0]][1]:,.0f} "
          f"| {rows[counts[0]][1] / webhook:.1f}× | {rows[counts[0]][2]:,.0f} | ≥ {TARGET:,}/s |")
    return result


def bare_inserts(run: str, part: int, of: int, n: int, through_django: bool = False) -> None:
    """The floor: one single-row INSERT and COMMIT per alert, as the intake's own write lock is taken.

    ``through_django``: the same INSERT in ``transaction.atomic()``, so the backend starts and ends the
    transaction (on SQLite, with the writers' file lock unless ``--plain-sqlite``): what the lock itself costs
    or saves with that many writers, without the request's CPU."""
    from contextlib import nullcontext

    from django.db import connection, transaction

    begin = "BEGIN IMMEDIATE" if connection.vendor == "sqlite" else "BEGIN"
    stamp = datetime.now(UTC)
    adapt = connection.ops.adapt_datetimefield_value
    for i in range(part, n, of):
        with transaction.atomic() if through_django else nullcontext(), connection.cursor() as cursor:
            if not through_django:
                cursor.execute(begin)
            cursor.execute("INSERT INTO intake_triageitem (kind, reference, fingerprint, title, details, labels, "
                           "count, first_seen, last_seen, status, dismissed_reason, reporter_contact, follow_digest) "
                           "VALUES ('alert', %s, %s, 'floor', '', '{}', 1, %s, %s, 'open', '', '', '')",
                           [f"FLOOR-{run}-{i}", f"floor-{run}-{i}", adapt(stamp), adapt(stamp)])
            if not through_django:
                cursor.execute("COMMIT")


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
