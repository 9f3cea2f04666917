"""Benchmark the register at scale on SQLite: list query, clocks due in 24 h, audit verify.

    python bench/register.py --incidents 1000000            # full scale (make bench), ~10 min
    python bench/register.py --incidents 2000 --repeat 5     # smoke size (run by the test suite)

Each figure is reported beside a floor measured in the same run on the same data:
- list query (the register page's ORM queries: page, count, next deadlines) vs a bare indexed SELECT;
- clocks due in the next 24 h (ORM) vs the same SELECT written by hand;
- audit verify (events/s) vs bare HMAC-SHA256 over the same bytes, already in memory.

The data comes from ``bench/data.py`` (shared with ``bench/pages.py``, which times whole pages): obligation rows
from the real assessment engine (a few fact profiles, shifted in time; only the obligations that apply are
stored), tools, containment, notifications, restricted incidents and one large incident.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402  (the shared generator, bench/data.py)

TARGETS = {"list_p95_ms": 150, "due_24h_ms": 50, "verify_events_per_s": 200_000}


def setup_django(db_path: Path) -> None:
    data.configure(engine="sqlite", db=str(db_path), data_dir=db_path.parent)
    import django

    django.setup()


def sql_time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if value else None


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm the page cache and prepared statements
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


def measure(now: datetime, repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from incidentdesk.accounts.models import Person, Role
    from incidentdesk.audit.chain import keyed_message, stamp
    from incidentdesk.audit.keys import keyring
    from incidentdesk.audit.services import verify
    from incidentdesk.incidents.register import register_page
    from incidentdesk.obligations.store import due_between

    viewer, _ = get_user_model().objects.get_or_create(username="bench-viewer")
    Person.objects.get_or_create(user=viewer, defaults={"role": Role.VIEWER})

    def page(params):
        def run():
            # What the register page does for a signed-in viewer: visibility, filters, count, page, deadlines.
            result = register_page(user=viewer, params=params, number=1)
            return result.page.paginator.count
        return run

    def floor_select():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, reference, title FROM incidents_incident ORDER BY detected_at DESC LIMIT 50")
            cursor.fetchall()

    results: dict = {"list": {}}
    floor = timed(floor_select, repeat)
    results["list_floor_ms"] = {"p50": statistics.median(floor), "p95": p95(floor)}
    filters = {"newest first": {}, "status=investigating": {"status": "investigating"},
               "severity>=3": {"severity_min": 3},
               "status=closed, severity>=4": {"status": "closed", "severity_min": 4},
               "text search, selective ('INC-2024-0123')": {"q": "INC-2024-0123"},
               "text search, broad ('screening', 1 in 8)": {"q": "screening"},
               "overdue clocks only": {"overdue": "true"}, "regime=gdpr, sort by severity": {"regime": "gdpr",
                                                                                           "sort": "severity"}}
    for name, params in filters.items():
        samples = timed(page(params), repeat)
        results["list"][name] = {"p50": statistics.median(samples), "p95": p95(samples)}

    end = now + timedelta(hours=24)
    due_count = len(list(due_between(now, end)))  # the dashboard's "due in the next 24 hours" rows

    def due_orm():
        list(due_between(now, end))

    def due_floor():
        with connection.cursor() as cursor:
            cursor.execute("SELECT o.id, o.due_at, i.reference FROM obligations_obligation o JOIN incidents_incident i "
                           "ON i.id = o.incident_id WHERE o.status = 'pending' AND o.due_at >= %s AND o.due_at < %s "
                           "ORDER BY o.due_at", [sql_time(now), sql_time(end)])
            cursor.fetchall()

    samples, floor = timed(due_orm, repeat), timed(due_floor, repeat)
    results["due_24h"] = {"rows": due_count, "p50": statistics.median(samples), "p95": p95(samples),
                          "floor_p50": statistics.median(floor), "floor_p95": p95(floor)}

    started = time.perf_counter()
    check = verify()
    seconds = time.perf_counter() - started
    assert check.ok, check.problem
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, CAST(at AS TEXT), actor_id, actor_name, action, object_type, object_id, "
                       "incident_ref, data, prev_hash, key_id FROM audit_auditevent ORDER BY seq")
        payloads = [keyed_message(r[0], stamp(r[1]), *r[2:]) for r in cursor.fetchall()]
    pads = keyring().pads(keyring().current)
    started = time.perf_counter()
    for payload in payloads:
        pads.hexdigest(payload)
    floor_seconds = time.perf_counter() - started
    results["verify"] = {"events": check.events, "seconds": seconds, "events_per_s": check.events / seconds,
                         "floor_events_per_s": len(payloads) / floor_seconds}
    return results


def report(meta: dict, results: dict) -> str:
    floor = results["list_floor_ms"]
    lines = [f"Run {meta['date']} on {meta['machine']}: `{meta['command']}`",
             f"Data: {meta['incidents']:,} incidents, {meta['obligations']:,} obligations "
             f"({meta['pending_obligations']:,} pending), {meta['audit_events']:,} audit events; "
             f"generated in {meta['generate_s']:.0f} s; database {meta['db_mb']:,.0f} MB.", "",
             "| measure | p50 | p95 | floor (same run) | p95 / floor p95 | target |", "|---|---|---|---|---|---|"]
    for name, r in results["list"].items():
        lines.append(f"| register page, {name} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | bare indexed SELECT "
                     f"{floor['p95']:.2f} ms | {r['p95'] / floor['p95']:.0f}× | p95 ≤ {TARGETS['list_p95_ms']} ms |")
    d = results["due_24h"]
    lines.append(f"| clocks due in 24 h ({d['rows']} rows) | {d['p50']:.1f} ms | {d['p95']:.1f} ms | hand-written "
                 f"SELECT {d['floor_p95']:.2f} ms | {d['p95'] / d['floor_p95']:.1f}× | ≤ {TARGETS['due_24h_ms']} ms |")
    v = results["verify"]
    lines.append(f"| audit verify ({v['events']:,} events) | {v['events_per_s']:,.0f} events/s | {v['seconds']:.2f} s "
                 f"total | bare HMAC-SHA256 {v['floor_events_per_s']:,.0f} events/s | "
                 f"{v['floor_events_per_s'] / v['events_per_s']:.1f}× slower | "
                 f"≥ {TARGETS['verify_events_per_s']:,}/s |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="Measure an existing --db without regenerating")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures as JSON here")
    args = parser.parse_args(argv)
    db = args.db or Path(tempfile.mkdtemp(prefix="incidentdesk-bench-")) / "register.sqlite3"
    if not args.reuse and db.exists():
        db.unlink()
    setup_django(db)
    from django.core.management import call_command

    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "command": "python bench/register.py " + " ".join(
        argv if argv is not None else sys.argv[1:]), "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}"}
    started = time.perf_counter()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        meta |= data.generate(args.incidents, now)
    else:
        from incidentdesk.audit.models import AuditEvent
        from incidentdesk.incidents.models import Incident
        from incidentdesk.obligations.models import Obligation

        meta |= {"incidents": Incident.objects.count(), "obligations": Obligation.objects.count(),
                 "pending_obligations": Obligation.objects.filter(status="pending").count(),
                 "audit_events": AuditEvent.objects.count()}
    meta["generate_s"] = time.perf_counter() - started
    meta["db_mb"] = db.stat().st_size / 1e6
    results = measure(now, args.repeat)
    print(report(meta, results))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    return {"meta": meta, "results": results}


if __name__ == "__main__":
    main()
