"""Benchmark monitoring intake on SQLite: alerts per second through the real endpoint, beside a bare insert.

    python bench/intake.py --requests 2000            # full run
    python bench/intake.py --requests 100             # smoke size (run by the test suite)

Requests go through Django's full WSGI stack in-process (middleware, token check, HMAC check, parsing,
deduplication, one transaction per request), one after another. Each post is signed with its time and
is a different body (a repeat of the same signed post within the window is refused as a replay).
Two shapes: a generic alert (one alert per request) and an Alertmanager webhook carrying 20 alerts.
Half of the alerts repeat a fingerprint already open, so both paths of deduplication run. Floor: a
bare single-row INSERT and COMMIT per alert into the same table, from the same process, in the same run.
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


def setup(db: Path) -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE="incidentdesk.settings", INCIDENTDESK_DATA_DIR=str(db.parent),
                      INCIDENTDESK_DB_NAME=str(db), INCIDENTDESK_DB_ENGINE="sqlite", INCIDENTDESK_DEBUG="true")
    import django

    django.setup()


def run_timed(work, processes: int, count: int) -> float:
    """Items per second of ``work(part)`` run in ``processes`` forked processes (each its own connection)."""
    import multiprocessing

    from django.db import connections

    if processes == 1:
        started = time.perf_counter()
        work(0)
        return count / (time.perf_counter() - started)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    children = [context.Process(target=work, args=(part,)) for part in range(processes)]
    for child in children:
        child.start()
    for child in children:
        child.join()
        assert child.exitcode == 0, "a sender failed"
    return count / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=2, help="Senders in parallel, like server workers")
    args = parser.parse_args(argv)
    db = Path(tempfile.mkdtemp(prefix="incidentdesk-intake-")) / "intake.sqlite3"
    setup(db)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.DEBUG = False  # no query log
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
    AlertSource.objects.create(name="Bench", slug="bench", hmac_secret="bench-secret")
    client = Client(HTTP_HOST="localhost")

    def send(payload: dict) -> None:
        body = json.dumps(payload).encode()
        stamp = str(int(time.time()))  # signed with the time: each post is accepted once (README)
        signature = "sha256=" + hmac.new(b"bench-secret", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        response = client.post("/api/intake/alerts?source=bench", data=body, content_type="application/json",
                               headers={"Authorization": f"Bearer {token}", "X-IncidentDesk-Timestamp": stamp,
                                        "X-IncidentDesk-Signature": signature})
        assert response.status_code == 202, response.content

    n = args.requests

    def generic_part(part: int) -> None:
        for i in range(part, n, args.processes):
            model = i % (n // 2 or 1)
            send({"title": f"Toxicity above threshold on model {model}", "details": f"post {i} {time.time_ns()}",
                  "labels": {"model": str(i % 50)}, "fingerprint": f"generic-{model}"})

    generic_one = run_timed(generic_part, 1, n)
    generic = run_timed(generic_part, args.processes, n) if args.processes > 1 else generic_one

    batches = max(1, n // 20)
    started = time.perf_counter()
    for b in range(batches):
        send({"version": "4", "groupKey": f"b{b}", "alerts": [
            {"status": "firing", "labels": {"alertname": "Drift", "model": f"m{j}"},
             "annotations": {"summary": f"Drift on m{j}"}, "fingerprint": f"am-{(b * 20 + j) % (batches * 10 or 1)}"}
            for j in range(20)]})
    webhook = batches * 20 / (time.perf_counter() - started)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for i in range(n):
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO intake_triageitem (kind, reference, fingerprint, title, details, labels, "
                           "count, first_seen, last_seen, status, dismissed_reason, reporter_contact, follow_digest) "
                           "VALUES ('alert', %s, %s, 'floor', '', '{}', 1, %s, %s, 'open', '', '', '')",
                           [f"FLOOR-{i}", f"floor-{i}", stamp, stamp])
            cursor.execute("COMMIT")
    floor = n / (time.perf_counter() - started)
    result = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} "
              f"cores, Python {platform.python_version()}", "requests": n, "generic_alerts_per_s": generic,
              "webhook_alerts_per_s": webhook, "floor_inserts_per_s": floor, "generic_one_process": generic_one,
              "items": TriageItem.objects.exclude(reference__startswith="FLOOR").count()}
    print(f"Run {result['date']} on {result['machine']}: python bench/intake.py --requests {n}")
    print("| measure | alerts/s | floor (bare INSERT+COMMIT per alert, same run) | floor / measure | target |")
    print("|---|---|---|---|---|")
    for name, key in (("generic alert, 1 per request, 1 process", "generic_one_process"),
                      (f"generic alert, 1 per request, {args.processes} processes", "generic_alerts_per_s"),
                      ("Alertmanager webhook, 20 per request", "webhook_alerts_per_s")):
        print(f"| {name} | {result[key]:,.0f} | {floor:,.0f} | {floor / result[key]:.1f}× | ≥ {TARGET:,}/s |")
    return result


if __name__ == "__main__":
    main()
