"""The benchmark register: a realistic database of N incidents, written fast on SQLite or PostgreSQL.

    python bench/data.py --incidents 1000000 --db /work/bench-data/register.sqlite3
    python bench/data.py --incidents 1000000 --postgres --pg-port 54329 --pg-name idk_bench1m_template

Shared by ``bench/register.py`` and ``bench/pages.py``. Rows are written with raw SQL (SQLite:
``executemany`` in one transaction; PostgreSQL: ``COPY`` through psycopg, with the secondary indexes
dropped during the load and built again after), never through the ORM: a million ``save()`` calls
would take hours and would measure the ORM, not the pages.

What the pages find in it, so each has realistic work to do:

- incidents over five years, mostly minor, with one or two categories of the vocabulary, an owner
  (one of a few incident managers) on most, a status (recent ones open), and the obligations the real
  assessment engine gives for one of a few fact profiles (only the ones that apply are stored);
- one or two AI tools per incident (``incidents_incidenttool``) from about forty names, a third of
  which are in the inventory (``tool_id`` set);
- containment actions on about a third, notifications on a share of those with a GDPR clock, a
  corrective action on a few, tags on a few;
- a few restricted incidents with members (so ``visible_to`` has a list to exclude), the viewer a
  member of half of them;
- one "large incident" (recent, open, the profile with the most clocks) with 300 containment actions,
  comments, evidence rows, corrective actions and notifications, and 2,000 audit events of its own;
- one audit event per incident plus those 2,000, in one valid keyed chain.

Every figure the pages show is then computed over data that looks like a register, not over empty
side tables. ``ANALYZE`` runs at the end on both databases.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The data's "now": every page is measured with the clock moved here (time_machine), so the open
#: incidents, running clocks and "last twelve months" are the same on every run, whatever today is.
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
SEED = 7
LARGE_ROWS = 300
LARGE_AUDIT_EVENTS = 2_000
BATCH = 20_000

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
#: About forty tool names; every third is in the inventory (an incident's tool row then points at it).
TOOLS = [f"{vendor} {product}"
         for vendor in ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell")
         for product in ("Chat", "Copilot", "Vision", "Scorer", "Translate")]
TAGS = ["phishing", "vendor", "customer-facing", "regression", "hr", "finance", "pilot", "shadow-it"]
MANAGERS = 8


def configure(*, engine: str, db: str, data_dir: Path, pg_port: int | None = None, pg_host: str = "127.0.0.1",
              pg_user: str = "incidentdesk", pg_password: str = "incidentdesk", key_file: Path | None = None) -> None:
    """Point Django at the benchmark database (before ``django.setup()``), with an audit key file of its own.

    The key lives outside the database, as in production: ``key_file``, else INCIDENTDESK_AUDIT_KEY_FILE, else
    ``audit.key`` in ``data_dir``, made on first use. A copy of the shared data verifies with the shared key
    (INCIDENTDESK_AUDIT_KEY_FILE=/work/bench-data/audit.key, as READY says).
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "incidentdesk.settings"
    os.environ["INCIDENTDESK_DATA_DIR"] = str(data_dir)
    os.environ["INCIDENTDESK_DB_NAME"] = db
    os.environ["INCIDENTDESK_DB_ENGINE"] = engine
    if engine == "postgres":
        os.environ.update(INCIDENTDESK_DB_HOST=pg_host, INCIDENTDESK_DB_PORT=str(pg_port),
                          INCIDENTDESK_DB_USER=pg_user, INCIDENTDESK_DB_PASSWORD=pg_password)
    given = os.environ.get("INCIDENTDESK_AUDIT_KEY_FILE")
    key_file = key_file or (Path(given) if given else data_dir / "audit.key")
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"# IncidentDesk benchmark audit key\n{secrets.token_hex(32)}\n")
    os.environ["INCIDENTDESK_AUDIT_KEY_FILE"] = str(key_file)
    os.environ.pop("INCIDENTDESK_AUDIT_KEY", None)


def templates() -> list[tuple]:
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
                                                      "citation", "deadline", "clock_start_event", "applies")}
                        | {"reasons": json.dumps(o.reasons), "snapshot_id": snapshots[o.rule_id].pk,
                           "due": (o.due_at - base) if o.due_at else None,
                           "legal": (o.legal_latest - base) if o.legal_latest else None,
                           "start": (o.clock_start - base) if o.clock_start else None,
                           "may_apply": o.status == "may_apply"})
        result.append((weight, assessed.severity.level, json.dumps(assessed.severity.reasons), json.dumps(facts), rows))
    return result


COLUMNS = {
    "incidents_incident": ("id", "reference", "year", "number", "title", "description", "status", "detection_source",
                           "detected_at", "occurred_at", "aware_at", "causal_link_established_at",
                           "causal_link_suspected_at", "classified_at", "categories", "affected_parties", "facts",
                           "severity_level", "severity_reasons", "severity_reasoning", "level_override",
                           "override_basis", "restricted", "is_exercise", "owner_id", "created_by_id",
                           "procedure_version_id", "created_at", "updated_at"),
    "obligations_obligation": ("id", "incident_id", "rule_id", "rule_version", "regime", "action", "recipient",
                               "citation", "deadline", "clock_start_event", "clock_start_at", "due_at",
                               "legal_latest_at", "status", "applies", "reasons", "snapshot_id", "completed_at",
                               "updated_at", "settled_reason", "settlement"),
    "incidents_incidenttool": ("incident_id", "name", "tool_id"),
    "incidents_incidentaccess": ("incident_id", "user_id"),
    "linking_incidenttag": ("incident_id", "name", "added_at"),
    "containment_containmentaction": ("incident_id", "kind", "description", "taken_at", "taken_by", "result",
                                      "created_at", "due_at"),
    "notifications_notification": ("incident_id", "obligation_id", "recipient", "channel", "sent_at", "reference",
                                   "summary", "created_at", "acknowledged_how"),
    "capa_correctiveaction": ("incident_id", "kind", "description", "due_on", "status", "effectiveness_method",
                              "effectiveness_result", "acceptance_reason", "created_at", "updated_at"),
    "comments_comment": ("incident_id", "author_name", "body", "created_at"),
    "evidence_evidence": ("incident_id", "file", "original_name", "content_type", "size", "sha256", "description",
                          "added_by_name", "added_at"),
    "audit_auditevent": ("seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "incident_ref",
                         "data", "prev_hash", "hash", "key_id"),
}


class Writer:
    """Buffered rows per table, written by ``executemany`` (SQLite) or ``COPY`` (PostgreSQL)."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def time(self, value: datetime | None):
        """SQLite keeps Django's UTC text; PostgreSQL takes the aware datetime (COPY writes it with its zone)."""
        if value is None or self.postgres:
            return value
        # Every time here is already in UTC; isoformat is several times faster than strftime at 10 million calls.
        return value.isoformat(" ", "microseconds")[:26]

    def add(self, table: str, row: tuple) -> None:
        buffer = self.rows[table]
        buffer.append(row)
        if len(buffer) >= BATCH:
            # Every table, parents first: a child row written before its parent is a pending violation of a
            # deferred foreign key, and while one is pending SQLite scans the child tables on every parent
            # insert (their indexes are dropped for the load): quadratic, found at 1M.
            self.flush()

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.rows):
            buffer = self.rows[name]
            if not buffer:
                continue
            columns = COLUMNS[name]
            with self.connection.cursor() as cursor:
                if self.postgres:
                    with cursor.cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in buffer:
                            copy.write_row(row)
                else:
                    cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES "
                                       f"({','.join(['%s'] * len(columns))})", buffer)
            self.counts[name] += len(buffer)
            buffer.clear()


def people() -> dict:
    """The administrator and viewer the pages sign in as, and the incident managers who own incidents."""
    from django.contrib.auth import get_user_model

    from incidentdesk.accounts.models import Person, Role

    users = get_user_model().objects

    def person(username: str, role: str):
        user, _ = users.get_or_create(username=username, defaults={"first_name": username.title()})
        Person.objects.update_or_create(user=user, defaults={"role": role})
        return user

    return {"admin": person("bench-admin", Role.ADMINISTRATOR), "viewer": person("bench-viewer", Role.VIEWER),
            "managers": [person(f"bench-manager-{i}", Role.INCIDENT_MANAGER) for i in range(1, MANAGERS + 1)]}


def inventory() -> dict[str, int]:
    """Every third tool name is in the inventory; the incident's tool row then points at it."""
    from incidentdesk.inventory.models import AITool

    return {name: AITool.objects.get_or_create(name=name, defaults={"provider": name.split()[0]})[0].pk
            for name in TOOLS[::3]}


def _drop_indexes(connection, tables: list[str]) -> list[str]:
    """Drop the secondary indexes (and on SQLite the search triggers) of the tables about to be loaded; return
    how to make them again. Building an index once over sorted data is several times faster than keeping it up
    to date row by row, and one FTS ``rebuild`` is much faster than a trigram insert per incident.

    Indexes behind a constraint (primary keys, unique) stay: they are what keeps the load honest.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            marks = ",".join(["%s"] * len(tables))
            cursor.execute(f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL "
                           "AND (type = 'index' OR (type = 'trigger' AND name LIKE 'incidents_incident_search_%%'))",
                           tables)
            found = cursor.fetchall()
            for kind, name, _ in found:
                cursor.execute(f'DROP {kind.upper()} "{name}"')
        return [sql for _, _, sql in found] + ["INSERT INTO incidents_incident_search(incidents_incident_search) "
                                               "VALUES ('rebuild')"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                       "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                       "WHERE c.conname = i.indexname)", [tables])
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def generate(n: int, now: datetime = NOW, seed: int = SEED, log=print, large_rows: int = LARGE_ROWS,
             large_events: int = LARGE_AUDIT_EVENTS) -> dict:
    """Write ``n`` incidents and what hangs off them; return what was written (for the report).

    ``large_rows`` and ``large_events`` size the large incident (smaller in CI, where the point is that
    every page answers, not how long a 2,000-event timeline takes)."""
    from django.db import connection, transaction

    from incidentdesk.assessment.facts import Category
    from incidentdesk.audit.chain import keyed_hash, stamp
    from incidentdesk.audit.keys import keyring
    from incidentdesk.audit.models import GENESIS

    started = time.perf_counter()
    rng = random.Random(seed)
    profiles = templates()
    weights = [p[0] for p in profiles]
    richest = max(range(len(profiles)), key=lambda i: len(profiles[i][4]))
    who = people()
    managers = [u.pk for u in who["managers"]]
    in_inventory = inventory()
    categories = [c.value for c in Category]
    ring = keyring()
    pads, kid = ring.pads(ring.current), ring.current
    start = now - timedelta(days=5 * 365)
    span = (now - start).total_seconds()
    times = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(n))
    # The large incident: the last one detected at least two days before "now", kept open.
    large_pk = max((i for i, t in enumerate(times, start=1) if now - t >= timedelta(days=2)), default=1)
    restricted = set(rng.sample(range(1, n + 1), max(3, n // 5_000))) - {large_pk}
    writer = Writer(connection)
    t = writer.time
    counters: dict[int, int] = {}
    prev_hash, seq, obligation_id = GENESIS, 0, 0
    pending = 0
    large_ref = ""

    def audit(at: datetime, action: str, object_type: str, object_id: str, reference: str, data: dict) -> None:
        nonlocal prev_hash, seq
        seq += 1
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        at_text = stamp(at)
        digest = keyed_hash(pads, seq, at_text, None, "bench", action, object_type, object_id, reference, text,
                            prev_hash, kid)
        writer.add("audit_auditevent", (seq, t(at) if writer.postgres else at_text, None, "bench", action,
                                        object_type, object_id, reference, text, prev_hash, digest, kid))
        prev_hash = digest

    loaded = list(COLUMNS)
    rebuild = _drop_indexes(connection, loaded)
    if not writer.postgres:
        with connection.cursor() as cursor:
            # One transaction of several GB: with SQLite's default 2 MB cache, every insert into the unique
            # index of audit seals (random order) rereads pages from the WAL, and the load crawls (found at 1M).
            cursor.execute("PRAGMA cache_size = -4000000")
            # Straight into the file: a rollback journal of an empty database is tiny, a WAL would hold every
            # page twice (written, then checkpointed). WAL is put back at the end, as the settings expect.
            cursor.execute("PRAGMA journal_mode = DELETE")
            cursor.execute("PRAGMA synchronous = OFF")
    with transaction.atomic():
        for pk, detected in enumerate(times, start=1):
            year = detected.year
            counters[year] = counters.get(year, 0) + 1
            reference = f"INC-{year}-{counters[year]:03d}"
            large = pk == large_pk
            index = richest if large else rng.choices(range(len(profiles)), weights)[0]
            _, level, reasons, facts, rows = profiles[index]
            age = now - detected
            open_ = large or (age < timedelta(days=30) and rng.random() < 0.8)
            status = ("investigating" if large else rng.choice(STATUSES_OPEN)) if open_ else "closed"
            classified = None if (open_ and age < timedelta(days=1)) else detected + timedelta(hours=rng.randint(1, 30))
            title = rng.choice(TITLES)
            owner = rng.choice(managers) if rng.random() < 0.9 else None
            cats = json.dumps(rng.sample(categories, rng.choice((1, 1, 2))))
            writer.add("incidents_incident", (
                pk, reference, year, counters[year], title, f"{title}. Generated for the benchmark.", status,
                "own_observation", t(detected), None, None, None, None, t(classified), cats, "", facts, level,
                reasons, "", None, None, pk in restricted, False, owner, None, None, t(detected), t(detected)))
            gdpr_obligation = None
            for row in rows:
                obligation_id += 1
                due = detected + row["due"] if row["due"] is not None else None
                done = not open_ or (due is not None and due < now and rng.random() < 0.7)
                state = "done" if done else ("may_apply" if row["may_apply"] else "pending")
                pending += state == "pending"
                if row["regime"] == "gdpr" and done:
                    gdpr_obligation = obligation_id
                writer.add("obligations_obligation", (
                    obligation_id, pk, row["rule_id"], row["rule_version"], row["regime"], row["action"],
                    row["recipient"], row["citation"], row["deadline"], row["clock_start_event"],
                    t(detected + row["start"]) if row["start"] is not None else None, t(due),
                    t(detected + row["legal"]) if row["legal"] else None, state, row["applies"], row["reasons"],
                    row["snapshot_id"], t(due or detected) if done else None, t(detected), "", ""))
            for name in rng.sample(TOOLS, rng.choice((1, 1, 2))):
                writer.add("incidents_incidenttool", (pk, name, in_inventory.get(name)))
            if pk in restricted:
                members = rng.sample(managers, 2) + ([who["viewer"].pk] if rng.random() < 0.5 else [])
                for user in members:
                    writer.add("incidents_incidentaccess", (pk, user))
            if rng.random() < 0.05:
                writer.add("linking_incidenttag", (pk, rng.choice(TAGS), t(detected + timedelta(hours=2))))
            if rng.random() < 0.33:
                for k in range(rng.choice((1, 1, 2))):
                    taken = detected + timedelta(minutes=rng.randint(10, 48 * 60))
                    result = "effective" if not open_ else rng.choice(("effective", "partial", "pending"))
                    writer.add("containment_containmentaction", (
                        pk, rng.choice(("stop_operation", "revoke_access", "correct_content", "rollback_model")),
                        f"Containment {k + 1} of {reference}.", t(taken), "bench", result, t(taken),
                        t(taken + timedelta(days=2)) if result == "pending" else None))
            if gdpr_obligation and rng.random() < 0.5:
                sent = detected + timedelta(hours=rng.randint(12, 70))
                writer.add("notifications_notification", (
                    pk, gdpr_obligation, "Data protection authority", "portal", t(sent), f"DPA-{pk}",
                    "Art 33 notification.", t(sent), ""))
            if rng.random() < 0.02:
                due_on = (detected + timedelta(days=30)).date()
                state = "open" if due_on > (now - timedelta(days=60)).date() else "effective"
                writer.add("capa_correctiveaction", (pk, "corrective", f"Fix the cause of {reference}.", due_on,
                                                     state, "", "", "", t(detected), t(detected)))
            audit(detected, "incident.created", "incident", str(pk), reference,
                  {"summary": "", "before": None, "after": {"reference": reference, "title": title, "status": status,
                                                            "severity_level": level, "detected_at": stamp(detected)}})
            if pk % 100_000 == 0:
                log(f"{pk:,} incidents in {time.perf_counter() - started:.0f} s")
            if large:
                large_ref = reference
                large_detected = detected
        # The large incident's own records, and its 2,000 audit events at the end of the chain.
        pk, detected, reference = large_pk, large_detected, large_ref
        step = (now - detected) / (max(large_rows, large_events) + 1)
        for k in range(large_rows):
            at = detected + step * (k + 1)
            writer.add("containment_containmentaction", (pk, "other", f"Step {k + 1} to contain it.", t(at), "bench",
                                                         "pending" if k % 3 else "partial", t(at),
                                                         t(at + timedelta(days=3))))
            writer.add("comments_comment", (pk, "bench", f"Note {k + 1}: **checked** the logs of `{reference}`.",
                                            t(at)))
            writer.add("evidence_evidence", (pk, f"evidence/bench/{k + 1}.txt", f"log-{k + 1}.txt", "text/plain",
                                             1024 + k, f"{k:064x}", f"Log extract {k + 1}.", "bench", t(at)))
            writer.add("capa_correctiveaction", (pk, "corrective" if k % 2 else "preventive",
                                                 f"Action {k + 1} on {reference}.", (at + timedelta(days=20)).date(),
                                                 "open", "", "", "", t(at), t(at)))
            writer.add("notifications_notification", (pk, None, f"Partner {k + 1}", "email", t(at), f"MSG-{k + 1}",
                                                       "Update sent.", t(at), ""))
        for k in range(large_events):
            at = detected + step * (k + 1)
            audit(at, "comment.added" if k % 2 else "containment.added", "comment" if k % 2 else "containment",
                  str(k + 1), reference, {"summary": f"Bench event {k + 1}", "before": None, "after": {"n": k + 1}})
        writer.flush()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_audithead SET last_seq=%s, last_hash=%s WHERE id=1", [seq, prev_hash])
            if cursor.rowcount == 0:
                cursor.execute("INSERT INTO audit_audithead (id, last_seq, last_hash) VALUES (1, %s, %s)",
                               [seq, prev_hash])
            for year, last in counters.items():
                cursor.execute("INSERT INTO incidents_incidentsequence (year, last) VALUES (%s, %s) "
                               "ON CONFLICT (year) DO UPDATE SET last = excluded.last", [year, last])
    loaded_s = time.perf_counter() - started
    log(f"rows written in {loaded_s:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in writer.counts.items()))
    finish(connection, rebuild, log)
    derive(log)
    return {"incidents": n, "obligations": writer.counts["obligations_obligation"], "pending_obligations": pending,
            "audit_events": seq, "large_incident": large_ref, "restricted": len(restricted),
            "rows": dict(writer.counts), "generate_s": time.perf_counter() - started}


def derive(log=print) -> None:
    """What the app derives from the rows written here in SQL, made once as its repair paths do: each incident's
    regimes (from its obligations) and the dashboard's rollups (from the incidents, in the organisation's zone)."""
    from incidentdesk import times
    from incidentdesk.dashboard import rollups
    from incidentdesk.incidents import regimes

    started = time.perf_counter()
    regimes.rebuild()
    rollups.rebuild(str(times.zone()))
    log(f"regimes and dashboard rollups derived in {time.perf_counter() - started:.0f} s")


def finish(connection, rebuild: list[str], log=print, tables: list[str] | None = None) -> None:
    """Indexes back (PostgreSQL), identity sequences past the ids written, statistics, a compact file."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for definition in rebuild:
                cursor.execute(definition)
            for table in tables or [t for t in COLUMNS if t != "audit_auditevent"]:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"COALESCE((SELECT max(id) FROM {table}), 1))")
            cursor.execute("ANALYZE")
        else:
            for definition in rebuild:
                cursor.execute(definition)
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
    log(f"indexes and ANALYZE in {time.perf_counter() - started:.0f} s")


#: What the generator writes besides COLUMNS' tables (people, the inventory, rule snapshots, the chain's head and the
#: numbering): ``copy_from_sqlite`` takes these too, so ids and foreign keys stay as generated.
SMALL_TABLES = ["auth_user", "accounts_person", "inventory_aitool", "obligations_rulesnapshot", "audit_audithead",
                "incidents_incidentsequence"]


def copy_from_sqlite(source: Path, log=print) -> dict:
    """PostgreSQL: copy a generated SQLite database, table by table, ``sqlite3 -csv`` piped into ``COPY``.

    The same rows (so the same audit chain, verified with the same key) in a fraction of the time the generator
    takes: no Python per row, which matters on a shared 2-core machine. The target must be freshly migrated.
    """
    import subprocess

    from django.db import connection

    started = time.perf_counter()
    tables = SMALL_TABLES + list(COLUMNS)
    rebuild = _drop_indexes(connection, tables)
    with connection.cursor() as cursor:
        cursor.execute("SET timezone TO 'UTC'")  # SQLite's times are UTC text without a zone
    counts = {}
    for table in tables:
        info = subprocess.run(["sqlite3", "-separator", "\t", str(source), f"PRAGMA table_info({table})"],
                              check=True, capture_output=True, text=True).stdout
        columns = [line.split("\t")[1] for line in info.splitlines()]
        names = ", ".join(f'"{c}"' for c in columns)
        reader = subprocess.Popen(["sqlite3", "-csv", "-nullvalue", "\\N", str(source), f"SELECT {names} FROM {table}"],
                                  stdout=subprocess.PIPE)
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
            while chunk := reader.stdout.read(1 << 20):
                copy.write(chunk)
        if reader.wait() != 0:
            raise SystemExit(f"sqlite3 failed on {table}")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        log(f"{table}: {counts[table]:,} rows at {time.perf_counter() - started:.0f} s")
    finish(connection, rebuild, log, tables=[t for t in tables if t not in ("audit_auditevent", "audit_audithead",
                                                                           "incidents_incidentsequence")])
    derive(log)
    return {"rows": counts, "copy_s": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="SQLite file to create (replaced if it exists)")
    parser.add_argument("--postgres", action="store_true", help="Write into a PostgreSQL database instead")
    parser.add_argument("--pg-host", default=os.environ.get("INCIDENTDESK_DB_HOST", "127.0.0.1"))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("INCIDENTDESK_DB_PORT", "5432")))
    parser.add_argument("--pg-user", default=os.environ.get("INCIDENTDESK_DB_USER", "incidentdesk"))
    parser.add_argument("--pg-password", default=os.environ.get("INCIDENTDESK_DB_PASSWORD", "incidentdesk"))
    parser.add_argument("--pg-name", help="PostgreSQL database to create (dropped first if it exists)")
    parser.add_argument("--data-dir", type=Path, help="Folder of the audit key and uploads (default: beside --db)")
    parser.add_argument("--from-sqlite", type=Path, help="PostgreSQL: copy this generated SQLite database instead "
                        "of generating (the same rows and chain, much faster)")
    args = parser.parse_args(argv)
    if args.postgres:
        from pgserver import recreate_database

        recreate_database(args.pg_name, host=args.pg_host, port=args.pg_port, user=args.pg_user,
                          password=args.pg_password)
        configure(engine="postgres", db=args.pg_name, data_dir=args.data_dir or Path.cwd() / "var" / "bench",
                  pg_host=args.pg_host, pg_port=args.pg_port, pg_user=args.pg_user, pg_password=args.pg_password)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        configure(engine="sqlite", db=str(args.db), data_dir=args.data_dir or args.db.parent)
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s")
    meta = copy_from_sqlite(args.from_sqlite) if args.from_sqlite else generate(args.incidents)
    meta["total_s"] = time.perf_counter() - started
    print(json.dumps(meta, indent=2))
    return meta


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
