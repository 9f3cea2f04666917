"""Benchmark the register at scale on SQLite: list query, clocks due in 24 h, audit verify.

    python bench/register.py --incidents 1000000            # full scale (make bench), ~10 min
    python bench/register.py --incidents 2000 --repeat 5     # smoke size (run by the test suite)

Each figure is reported beside a floor measured in the same run on the same data:
- list query (the register page's ORM queries: page, count, next deadlines) vs a bare indexed SELECT;
- clocks due in the next 24 h (ORM) vs the same SELECT written by hand;
- audit verify (events/s) vs bare HMAC-SHA256 over the same bytes, already in memory.

Obligation rows come from the real assessment engine (a few fact profiles, shifted in time); only the
obligations that apply are stored (not the not-required rows), see docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"list_p95_ms": 150, "due_24h_ms": 50, "verify_events_per_s": 200_000}


def setup_django(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "incidentdesk.settings"
    os.environ["INCIDENTDESK_DATA_DIR"] = str(db_path.parent)
    os.environ["INCIDENTDESK_DB_NAME"] = str(db_path)
    os.environ["INCIDENTDESK_DB_ENGINE"] = "sqlite"
    import django

    django.setup()


def placeholders(n: int) -> str:
    return ",".join(["%s"] * n)


def sql_time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if value else None


PROFILES = [
    # (weight, facts) — the mix of a real register: mostly minor, some moderate, few major/serious.
    (55, {"published_externally": False, "personal_data": {"involved": False}, "caught_in_review": True}),
    (25, {"published_externally": True, "personal_data": {"involved": False}}),
    (12, {"published_externally": False, "personal_data": {"involved": True, "lost": ["confidentiality"],
                                                           "data_categories": ["contact"], "recipient": "trusted",
                                                           "identifiability": "maximum", "malicious": False}}),
    (6, {"published_externally": False, "automated_decision_without_human_review": True,
         "personal_data": {"involved": True, "lost": []}}),
    (2, {"published_externally": False, "personal_data": {"involved": False},
         "harm": {"serious_health_harm": True}, "tools": [{"name": "Model", "in_inventory": True, "high_risk": True}]}),
]
TITLES = ["Chatbot gave a wrong answer", "Hallucinated figure in a report", "Prompt injection on support bot",
          "Personal data pasted into assistant", "Biased ranking in screening", "Translation leaked draft",
          "Model drift on fraud scores", "Unapproved tool used by contractor"]
STATUSES_OPEN = ["detected", "contained", "classified", "investigating"]


def templates(now: datetime):
    """Run the real engine once per profile; keep the obligations that apply, as offsets from detection."""
    from incidentdesk.assessment import IncidentFacts, assess
    from incidentdesk.assessment.rulebook import default_rulebook
    from incidentdesk.obligations.store import snapshots_for

    organisation = {"country": "BE", "time_zone": "Europe/Brussels", "ai_act_role": "both", "nis2_entity": False,
                    "dora_financial_entity": False, "sb53_frontier_developer": False,
                    "raise_frontier_developer": False, "gpai_systemic_risk_provider": False}
    snapshots = snapshots_for(default_rulebook().obligations)
    base = datetime(2026, 9, 1, 8, tzinfo=UTC)
    result = []
    for weight, facts in PROFILES:
        assessed = assess(IncidentFacts.model_validate({"detected_at": base.isoformat(), "organisation": organisation}
                                                       | facts), now=base)
        rows = []
        for o in assessed.obligations:
            if o.status == "not_required":
                continue
            rows.append({k: getattr(o, k) for k in ("rule_id", "rule_version", "regime", "action", "recipient",
                                                      "citation", "deadline", "clock_start_event", "reasons",
                                                      "applies")}
                        | {"snapshot_id": snapshots[o.rule_id].pk,
                           "due": (o.due_at - base) if o.due_at else None,
                           "legal": (o.legal_latest - base) if o.legal_latest else None,
                           "start": (o.clock_start - base) if o.clock_start else None,
                           "may_apply": o.status == "may_apply"})
        result.append((weight, assessed.severity.level, json.dumps(assessed.severity.reasons), json.dumps(facts), rows))
    return result


def generate(n: int, now: datetime, seed: int = 7) -> dict:
    from django.db import connection, transaction

    from incidentdesk.audit.chain import keyed_hash, stamp
    from incidentdesk.audit.keys import keyring
    from incidentdesk.audit.models import GENESIS

    rng = random.Random(seed)
    profiles = templates(now)
    weights = [p[0] for p in profiles]
    start = now - timedelta(days=5 * 365)
    span = (now - start).total_seconds()
    inc_sql = ("INSERT INTO incidents_incident (id, reference, year, number, title, description, status, "
               "detection_source, detected_at, occurred_at, aware_at, causal_link_established_at, classified_at, "
               "categories, affected_parties, facts, severity_level, severity_reasons, "
               "severity_reasoning, level_override, override_basis, restricted, is_exercise, "
               f"created_at, updated_at) VALUES ({placeholders(25)})")
    obl_sql = ("INSERT INTO obligations_obligation (incident_id, rule_id, rule_version, regime, action, recipient, "
               "citation, deadline, clock_start_event, clock_start_at, due_at, legal_latest_at, status, applies, "
               f"reasons, snapshot_id, completed_at, updated_at) VALUES ({placeholders(18)})")
    aud_sql = ("INSERT INTO audit_auditevent (seq, at, actor_name, action, object_type, object_id, incident_ref, "
               f"data, prev_hash, hash, key_id) VALUES ({placeholders(11)})")
    ring = keyring()  # the bench database's own key ring, made beside it (DEBUG on)
    pads, kid = ring.pads(ring.current), ring.current
    times = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(n))
    counters: dict[int, int] = {}
    prev_hash = GENESIS
    obligations = pending = 0
    batch_inc, batch_obl, batch_aud = [], [], []

    def flush(cursor):
        cursor.executemany(inc_sql, batch_inc)
        cursor.executemany(obl_sql, batch_obl)
        cursor.executemany(aud_sql, batch_aud)
        batch_inc.clear(), batch_obl.clear(), batch_aud.clear()

    with transaction.atomic(), connection.cursor() as cursor:
        for pk, detected in enumerate(times, start=1):
            year = detected.year
            counters[year] = counters.get(year, 0) + 1
            reference = f"INC-{year}-{counters[year]:03d}"
            _, level, reasons, facts, rows = rng.choices(profiles, weights)[0]
            age = now - detected
            open_ = age < timedelta(days=30) and rng.random() < 0.8
            status = rng.choice(STATUSES_OPEN) if open_ else "closed"
            classified = None if (open_ and age < timedelta(days=1)) else detected + timedelta(hours=rng.randint(1, 30))
            title = rng.choice(TITLES)
            created = sql_time(detected)
            batch_inc.append((pk, reference, year, counters[year], title, f"{title}. Generated for the benchmark.",
                              status, "own_observation", created, None, None, None, sql_time(classified), "[]",
                              "", facts, level, reasons, "", None, None, False, False, created, created))
            for row in rows:
                due = detected + row["due"] if row["due"] is not None else None
                done = not open_ or (due is not None and due < now and rng.random() < 0.7)
                state = "done" if done else ("may_apply" if row["may_apply"] else "pending")
                pending += state == "pending"
                batch_obl.append((pk, row["rule_id"], row["rule_version"], row["regime"], row["action"],
                                  row["recipient"], row["citation"], row["deadline"], row["clock_start_event"],
                                  sql_time(detected + row["start"]) if row["start"] is not None else None,
                                  sql_time(due), sql_time(detected + row["legal"]) if row["legal"] else None,
                                  state, row["applies"], json.dumps(row["reasons"]),
                                  row["snapshot_id"], sql_time(due or detected) if done else None, created))
            obligations += len(rows)
            data = json.dumps({"summary": "", "before": None, "after": {"reference": reference, "title": title,
                               "status": status, "severity_level": level, "detected_at": created}},
                              sort_keys=True, separators=(",", ":"))
            at = stamp(detected)
            digest = keyed_hash(pads, pk, at, None, "bench", "incident.created", "incident", str(pk), reference, data,
                                prev_hash, kid)
            batch_aud.append((pk, at, "bench", "incident.created", "incident", str(pk), reference, data,
                              prev_hash, digest, kid))
            prev_hash = digest
            if len(batch_inc) >= 20_000:
                flush(cursor)
        flush(cursor)
        cursor.execute("UPDATE audit_audithead SET last_seq=%s, last_hash=%s WHERE id=1", [n, prev_hash])
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO audit_audithead (id, last_seq, last_hash) VALUES (1, %s, %s)", [n, prev_hash])
        for year, last in counters.items():
            cursor.execute("INSERT OR REPLACE INTO incidents_incidentsequence (year, last) VALUES (%s, %s)",
                           [year, last])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # measure the database file, not a 5 GB write-ahead log
    return {"incidents": n, "obligations": obligations, "pending_obligations": pending, "audit_events": n}


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
        meta |= generate(args.incidents, now)
    else:
        from incidentdesk.incidents.models import Incident
        from incidentdesk.obligations.models import Obligation

        meta |= {"incidents": Incident.objects.count(), "obligations": Obligation.objects.count(),
                 "pending_obligations": Obligation.objects.filter(status="pending").count(),
                 "audit_events": Incident.objects.count()}
    meta["generate_s"] = time.perf_counter() - started
    meta["db_mb"] = db.stat().st_size / 1e6
    results = measure(now, args.repeat)
    print(report(meta, results))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    return {"meta": meta, "results": results}


if __name__ == "__main__":
    main()
