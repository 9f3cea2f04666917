"""Whole requests at scale: every page a person waits for, timed through Django, beside two floors.

    python bench/pages.py --incidents 2000 --repeat 2                      # smoke size, temporary SQLite
    python bench/pages.py --db copy.sqlite3 --reuse --repeat 20            # measure an existing SQLite file
    python bench/pages.py --postgres --incidents 20000                     # a private PostgreSQL server
    python bench/pages.py --postgres --pg-port 54329 --pg-name idk_x --reuse        # an existing database
    python bench/pages.py --postgres --pg-port 54329 --pg-name idk_x --from-template idk_bench1m_template

Each page is requested with Django's test client (the whole middleware stack, the view, the template,
the response body read to the end) as a signed-in administrator or viewer, with the clock moved to the
data's "now" (``time_machine``, ticking). For each: the number of SQL queries, p50 and p95 over the runs,
and two floors measured in the same run:

- **SQL floor**: hand-written SQL returning the same rows and counts as the page (the count, the page's
  rows, what each row shows, the dashboard's figures), through the same database connection;
- **bare view**: a trivial signed-in view through the same middleware stack (a URL added for the bench).

Targets (issue 16): p95 ≤ 150 ms and p95 ≤ 10× the page's SQL floor. ``--markdown`` prints the section
as it goes into docs/performance.md; ``--json`` writes every figure. The data is made by ``bench/data.py``.
A database beside a ``READY`` file, or a PostgreSQL template, is shared: the bench refuses to write to it
(recording an incident writes), so measure a copy (``--from-template``, or ``cp --sparse=always``).
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
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402  (the generator, beside this file)
import pgserver  # noqa: E402

TARGET_MS = 150
TARGET_RATIO = 10
PAGE_SIZE = 50


@dataclass
class Page:
    """One request to time, who asks, and the SQL floor that returns what it shows."""

    name: str
    url: str
    floor: Callable[[], None] | None
    as_: str = "admin"
    method: str = "GET"
    post: Callable[[int], dict] | None = None
    expect: tuple[int, ...] = (200,)
    note: str = ""


@dataclass
class Result:
    name: str
    url: str
    as_: str
    status: int
    queries: int
    runs: int
    samples: list[float] = field(repr=False)
    floor_samples: list[float] = field(repr=False)
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return p95(self.samples)

    @property
    def floor_p95(self) -> float | None:
        return p95(self.floor_samples) if self.floor_samples else None

    @property
    def ratio(self) -> float | None:
        return self.p95 / self.floor_p95 if self.floor_p95 else None

    @property
    def met(self) -> bool:
        return self.p95 <= TARGET_MS and (self.ratio is None or self.ratio <= TARGET_RATIO)

    def as_dict(self) -> dict:
        return {"name": self.name, "url": self.url, "as": self.as_, "status": self.status, "queries": self.queries,
                "runs": self.runs, "p50_ms": self.p50, "p95_ms": self.p95, "sql_floor_p95_ms": self.floor_p95,
                "ratio": self.ratio, "met": self.met, "note": self.note}


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


# ---------------------------------------------------------------------------------------------------------------
# Hand-written SQL: what each page shows, written as one would by hand for this database.


class Sql:
    """The floors' SQL, with the few places where SQLite and PostgreSQL differ."""

    def __init__(self, connection, now, users: dict):
        self.connection = connection
        self.pg = connection.vendor == "postgresql"
        self.now = now
        self.users = users

    def t(self, value):
        """A time parameter as each database stores it (SQLite: Django's UTC text)."""
        return value if self.pg else value.isoformat(" ", "microseconds")[:26]

    def hours(self, later: str, earlier: str) -> str:
        if self.pg:
            return f"extract(epoch FROM {later} - {earlier}) / 3600"
        return f"(julianday({later}) - julianday({earlier})) * 24"

    def month(self, column: str) -> str:
        if self.pg:
            return f"to_char({column} AT TIME ZONE 'Europe/Brussels', 'YYYY-MM')"
        return f"strftime('%%Y-%%m', {column}, '+1 hour')"  # the organisation's zone, near enough for a floor

    def categories(self) -> str:
        """A FROM item of each incident's categories (``c.value``)."""
        return "jsonb_array_elements_text(i.categories) AS c(value)" if self.pg else "json_each(i.categories) AS c"

    def in_category(self, name: str) -> str:
        """Incidents filed under a category (a JSON list: containment on PostgreSQL, its text on SQLite)."""
        return f"i.categories @> '[\"{name}\"]'" if self.pg else f"i.categories LIKE '%%\"{name}\"%%'"

    def matches(self, term: str) -> tuple[str, list]:
        """Free text, as the register searches it (SQLite: FTS5 trigram; PostgreSQL: pg_trgm over the columns)."""
        if self.pg:
            return "(i.reference || ' ' || i.title || ' ' || i.description) ILIKE %s", [f"%{term}%"]
        return ("i.id IN (SELECT rowid FROM incidents_incident_search WHERE incidents_incident_search MATCH %s)",
                ['"' + term.replace('"', '""') + '"'])

    def visible(self, who: str) -> str:
        """Real incidents this person may see: restricted ones they are not named on are left out."""
        uid = self.users[who].pk
        return (f"NOT i.is_exercise AND i.id NOT IN (SELECT r.id FROM incidents_incident r WHERE r.restricted AND "
                f"r.id NOT IN (SELECT incident_id FROM incidents_incidentaccess WHERE user_id = {uid}))")

    def run(self, sql: str, params=()) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return cursor.fetchall()

    # -- the register, its API and its exports ------------------------------------------------------------------

    def register(self, who: str, where: str = "TRUE", params=(), order: str = "i.detected_at DESC",
                 capped: bool = False, count: bool = True, limit: int | None = PAGE_SIZE) -> list[int]:
        """Count, one page of rows with their owner, tools, tags and next deadline: what the register shows."""
        base = f"FROM incidents_incident i WHERE {self.visible(who)} AND ({where})"
        if count:
            self.run(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT 1001) AS capped" if capped
                     else f"SELECT count(*) {base}", params)
        rows = self.run(f"SELECT i.id, i.reference, i.title, i.status, i.severity_level, i.detected_at, u.username "
                        f"FROM incidents_incident i LEFT JOIN auth_user u ON u.id = i.owner_id "
                        f"WHERE {self.visible(who)} AND ({where}) ORDER BY {order}"
                        + (f" LIMIT {limit}" if limit else ""), params)
        ids = ",".join(str(r[0]) for r in rows) or "0"
        self.run(f"SELECT incident_id, min(due_at) FROM obligations_obligation WHERE incident_id IN ({ids}) "
                 "AND status = 'pending' AND due_at IS NOT NULL GROUP BY incident_id")
        self.run(f"SELECT incident_id, name FROM incidents_incidenttool WHERE incident_id IN ({ids})")
        self.run(f"SELECT incident_id, name FROM linking_incidenttag WHERE incident_id IN ({ids})")
        return [r[0] for r in rows]

    def export_xlsx(self, who: str, where: str, params=()) -> None:
        """Every matching incident, and the sheets of their obligations, notifications and corrective actions."""
        ids = ",".join(map(str, self.register(who, where, params, limit=None))) or "0"
        self.run(f"SELECT * FROM obligations_obligation WHERE incident_id IN ({ids}) ORDER BY incident_id, due_at")
        self.run(f"SELECT * FROM notifications_notification WHERE incident_id IN ({ids}) ORDER BY incident_id, sent_at")
        self.run(f"SELECT * FROM capa_correctiveaction WHERE incident_id IN ({ids}) ORDER BY incident_id, due_on")

    # -- the dashboard --------------------------------------------------------------------------------------------

    def dashboard(self, who: str) -> None:
        """Every figure and list of the dashboard, each in one statement."""
        vis, now = self.visible(who), self.t(self.now)
        self.run(f"SELECT i.severity_level, i.status, count(*) FROM incidents_incident i WHERE {vis} "
                 "AND i.status <> 'closed' GROUP BY i.severity_level, i.status")
        clocks = (f"FROM obligations_obligation o JOIN incidents_incident i ON i.id = o.incident_id WHERE {vis} "
                  "AND o.status = 'pending' AND o.due_at IS NOT NULL")
        self.run(f"SELECT count(*) FILTER (WHERE o.due_at >= %s AND o.due_at < %s), "
                 f"count(*) FILTER (WHERE o.due_at >= %s AND o.due_at < %s), count(*) FILTER (WHERE o.due_at < %s) "
                 f"{clocks}", [now, self.t(self.now + timedelta(hours=24)), now,
                               self.t(self.now + timedelta(days=7)), now])
        self.run(f"SELECT o.id, o.rule_id, o.due_at, i.reference, i.title {clocks} AND o.due_at < %s "
                 "ORDER BY o.due_at LIMIT 10", [now])
        self.run(f"SELECT o.id, o.rule_id, o.due_at, i.reference, i.title {clocks} AND o.due_at >= %s "
                 "AND o.due_at < %s ORDER BY o.due_at LIMIT 10", [now, self.t(self.now + timedelta(hours=24))])
        self.per_month(who)
        self.per_tool(who)
        recent = f"{vis} AND i.detected_at >= %s"
        since = [self.t(self.now - timedelta(days=365))]
        self.run(f"WITH h AS (SELECT {self.hours('i.classified_at', 'i.detected_at')} AS h FROM incidents_incident i "
                 f"WHERE {recent} AND i.classified_at >= i.detected_at) "
                 "SELECT h FROM h ORDER BY h LIMIT 1 OFFSET (SELECT count(*) / 2 FROM h)", since)
        self.run(f"WITH h AS (SELECT {self.hours('min(c.taken_at)', 'i.detected_at')} AS h "
                 f"FROM containment_containmentaction c JOIN incidents_incident i ON i.id = c.incident_id "
                 f"WHERE {recent} GROUP BY i.id, i.detected_at) "
                 "SELECT h FROM h ORDER BY h LIMIT 1 OFFSET (SELECT count(*) / 2 FROM h)", since)
        self.run(f"SELECT count(*), count(*) FILTER (WHERE o.completed_at <= o.due_at) FROM obligations_obligation o "
                 f"JOIN incidents_incident i ON i.id = o.incident_id WHERE {recent} AND o.status = 'done' "
                 "AND o.due_at IS NOT NULL AND o.completed_at IS NOT NULL", since)
        self.run(f"SELECT a.id, a.description, a.due_on, i.reference FROM capa_correctiveaction a "
                 f"JOIN incidents_incident i ON i.id = a.incident_id WHERE {vis} AND a.status = 'open' "
                 "AND a.due_on < %s ORDER BY a.due_on LIMIT 10", [self.now.date()])

    def per_month(self, who: str) -> None:
        self.run(f"SELECT {self.month('i.detected_at')}, c.value, count(*) FROM incidents_incident i, "
                 f"{self.categories()} WHERE {self.visible(who)} AND i.detected_at >= %s GROUP BY 1, 2",
                 [self.t(self.now - timedelta(days=365))])

    def per_tool(self, who: str) -> None:
        self.run(f"SELECT t.name, count(*) FROM incidents_incidenttool t JOIN incidents_incident i "
                 f"ON i.id = t.incident_id WHERE {self.visible(who)} AND i.detected_at >= %s "
                 "GROUP BY t.name ORDER BY 2 DESC, 1 LIMIT 10", [self.t(self.now - timedelta(days=365))])

    # -- one incident, the audit log ----------------------------------------------------------------------------

    def workspace(self, pk: int, reference: str) -> None:
        """The incident and everything its workspace (and its report) lists."""
        self.run("SELECT * FROM incidents_incident WHERE id = %s", [pk])
        for table, order in (("obligations_obligation", "due_at"), ("containment_containmentaction", "taken_at"),
                             ("comments_comment", "created_at"), ("evidence_evidence", "added_at"),
                             ("capa_correctiveaction", "due_on"), ("notifications_notification", "sent_at"),
                             ("incidents_incidenttool", "name"), ("linking_incidenttag", "name")):
            self.run(f"SELECT * FROM {table} WHERE incident_id = %s ORDER BY {order}", [pk])
        self.run("SELECT * FROM audit_auditevent WHERE incident_ref = %s ORDER BY seq DESC", [reference])

    def audit_log(self, who: str) -> None:
        """A page of 50 events and their count, without the events of incidents this person may not see."""
        uid = self.users[who].pk
        hidden = ("SELECT r.reference FROM incidents_incident r WHERE r.restricted AND r.id NOT IN "
                  f"(SELECT incident_id FROM incidents_incidentaccess WHERE user_id = {uid})")
        self.run(f"SELECT count(*) FROM audit_auditevent WHERE incident_ref NOT IN ({hidden})")
        self.run(f"SELECT * FROM audit_auditevent WHERE incident_ref NOT IN ({hidden}) ORDER BY seq DESC LIMIT 50")

    def record(self, obligations: int) -> int:
        """Insert an incident and its obligations by hand in one committed transaction (``forget`` removes it)."""
        from django.db import transaction

        now, reference = self.t(self.now), f"FLOOR-{uuid.uuid4().hex[:12]}"
        with transaction.atomic(), self.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO incidents_incident (reference, year, number, title, description, status, "
                "detection_source, detected_at, categories, affected_parties, facts, severity_level, "
                "severity_reasons, severity_reasoning, restricted, is_exercise, created_at, updated_at) "
                "VALUES (%s, 2099, %s, 'Floor', 'Floor', 'detected', 'own_observation', %s, '[]', '', '{}', 1, "
                "'[]', '', FALSE, FALSE, %s, %s)", [reference, int(uuid.uuid4().int % 10**9), now, now, now])
            cursor.execute("SELECT id FROM incidents_incident WHERE reference = %s", [reference])
            pk = cursor.fetchone()[0]
            cursor.executemany(
                "INSERT INTO obligations_obligation (incident_id, rule_id, rule_version, regime, action, "
                "recipient, citation, deadline, clock_start_event, due_at, status, reasons, snapshot_id, "
                "updated_at, settled_reason, settlement) SELECT %s, %s, '1', 'internal', 'a', 'r', 'c', 'd', "
                "'detected', %s, 'pending', '[]', min(id), %s, '', '' FROM obligations_rulesnapshot",
                [(pk, f"floor-{k}", now, now) for k in range(obligations)])
        return pk

    def forget(self, pk: int) -> None:
        """Take the floor's incident away again (not timed)."""
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM obligations_obligation WHERE incident_id = %s", [pk])
            cursor.execute("DELETE FROM incidents_incident WHERE id = %s", [pk])


# ---------------------------------------------------------------------------------------------------------------


def bare_urls() -> str:
    """The site's URLs plus one trivial signed-in view: the floor of any page through the middleware stack."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import include, path

    @login_required
    def bare(request):
        return HttpResponse("ok")

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path("bench/bare/", bare), path("", include("incidentdesk.urls"))]
    for name in ("handler400", "handler403", "handler404", "handler500"):
        import incidentdesk.urls as site

        if hasattr(site, name):
            setattr(module, name, getattr(site, name))
    sys.modules["bench_urls"] = module
    return "bench_urls"


def large_incident() -> tuple[int, str]:
    """The incident with the most comments: the generator's "large incident"."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT c.incident_id, i.reference FROM comments_comment c JOIN incidents_incident i "
                       "ON i.id = c.incident_id GROUP BY c.incident_id, i.reference ORDER BY count(*) DESC LIMIT 1")
        return cursor.fetchone()


def pages(sql: Sql, large: tuple[int, str], owner: str) -> list[Page]:
    """Every page of issue 16's list, with its floor."""
    pk, ref = large
    manager_pk = sql.users["owner"].pk
    overdue = "i.id IN (SELECT incident_id FROM obligations_obligation WHERE status = 'pending' AND due_at < %s)"
    gdpr = ("i.id IN (SELECT incident_id FROM obligations_obligation WHERE regime = 'gdpr' "
            "AND status IN ('pending', 'may_apply', 'done'))")
    selective, broad = "INC-2024-0123", "screening"
    quarter = "i.severity_level >= 4 AND i.detected_at >= %s"
    quarter_start = sql.now.replace(month=3 * ((sql.now.month - 1) // 3) + 1, day=1, hour=0, minute=0)
    export_query = "severity_min=4&period=this_quarter"

    def reg(who="admin", where="TRUE", params=(), **kw):
        return lambda: sql.register(who, where, params, **kw)

    record_data = {"description": "Recorded by the page benchmark.", "tool": "Acme Chat", "personal_data": "yes",
                   "published_externally": "no"}

    def record_post(k: int) -> dict:
        local = (sql.now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        return record_data | {"title": f"Bench recording {k} {uuid.uuid4().hex[:6]}", "detected_at": local}

    return [
        Page("dashboard", "/", lambda: sql.dashboard("admin")),
        Page("dashboard (viewer)", "/", lambda: sql.dashboard("viewer"), as_="viewer"),
        Page("dashboard chart: per month", "/dashboard/charts/per-month.svg", lambda: sql.per_month("admin")),
        Page("dashboard chart: per tool", "/dashboard/charts/per-tool.svg", lambda: sql.per_tool("admin")),
        Page("register, newest first", "/incidents/", reg()),
        Page("register, newest first (viewer)", "/incidents/", reg("viewer"), as_="viewer"),
        Page("register, status=investigating", "/incidents/?status=investigating",
             reg(where="i.status = 'investigating'")),
        Page("register, severity ≥ 3", "/incidents/?severity_min=3", reg(where="i.severity_level >= 3")),
        Page("register, closed and severity ≥ 4", "/incidents/?status=closed&severity_min=4",
             reg(where="i.status = 'closed' AND i.severity_level >= 4")),
        Page(f"register, text search selective ('{selective}')", f"/incidents/?q={selective}",
             lambda: sql.register("admin", *sql.matches(selective), capped=True)),
        Page(f"register, text search broad ('{broad}', 1 in 8)", f"/incidents/?q={broad}",
             lambda: sql.register("admin", *sql.matches(broad), capped=True)),
        Page("register, overdue clocks only", "/incidents/?overdue=true",
             lambda: sql.register("admin", overdue, [sql.t(sql.now)])),
        Page("register, regime=gdpr sorted by severity", "/incidents/?regime=gdpr&sort=severity",
             reg(where=gdpr, order="i.severity_level DESC, i.detected_at DESC", capped=True)),
        Page(f"register, owner={owner}", f"/incidents/?owner={owner}", reg(where=f"i.owner_id = {manager_pk}")),
        Page("register, tag=vendor", "/incidents/?tag=vendor",
             reg(where="i.id IN (SELECT incident_id FROM linking_incidenttag WHERE lower(name) = 'vendor')")),
        Page("register, category=privacy", "/incidents/?category=privacy",
             reg(where=sql.in_category("privacy"))),
        Page("register, AI tool 'acme chat'", "/incidents/?tool=acme+chat",
             reg(where="i.id IN (SELECT incident_id FROM incidents_incidenttool "
                       "WHERE lower(name) LIKE '%%acme chat%%')")),
        Page(f"workspace of the large incident ({ref})", f"/incidents/{ref}/", lambda: sql.workspace(pk, ref)),
        Page("audit log", "/audit/", lambda: sql.audit_log("admin")),
        Page("API list, newest first", "/api/incidents", reg(count=False)),
        Page("API list, severity ≥ 3", "/api/incidents?severity_min=3",
             reg(where="i.severity_level >= 3", count=False)),
        Page(f"export CSV ({export_query})", f"/incidents/export.csv?{export_query}",
             reg(where=quarter, params=[sql.t(quarter_start)], limit=None)),
        Page(f"export XLSX ({export_query})", f"/incidents/export.xlsx?{export_query}",
             lambda: sql.export_xlsx("admin", quarter, [sql.t(quarter_start)])),
        Page(f"incident report PDF ({ref})", f"/incidents/{ref}/report.pdf", lambda: sql.workspace(pk, ref)),
        Page("record an incident (web form POST)", "/incidents/record/", None, method="POST", post=record_post,
             expect=(302,)),
    ]


def measure(page: Page, client, sql: Sql, repeat: int, budget_s: float, headers: dict) -> Result:
    """A first request (checked, its queries counted), then up to ``repeat`` timed runs within the budget."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once(k: int) -> tuple[int, float]:
        started = time.perf_counter()
        if page.method == "POST":
            response = client.post(page.url, page.post(k), headers=headers)
        else:
            response = client.get(page.url, headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018  (rendered already; read as a browser would)
        return response.status_code, (time.perf_counter() - started) * 1000

    connection.queries_log.clear()  # the log keeps 9,000 at most: a full one would make every count 0
    with CaptureQueriesContext(connection) as queries:
        status, first = once(0)
    captured = list(queries.captured_queries)  # now: the next request clears the log it reads
    runs = max(2, min(repeat, int(budget_s * 1000 / max(first, 1))))
    samples = []
    for k in range(1, runs + 1):
        code, ms = once(k)
        status = code if code not in page.expect else status
        samples.append(ms)
    floor = []
    if page.floor is not None:
        page.floor()
        for _ in range(runs):
            started = time.perf_counter()
            page.floor()
            floor.append((time.perf_counter() - started) * 1000)
    elif page.method == "POST":
        # As many obligations as the page stored for the incident it recorded last.
        written = sql.run("SELECT count(*) FROM obligations_obligation WHERE incident_id = "
                          "(SELECT max(id) FROM incidents_incident)")[0][0]
        for _ in range(runs):
            started = time.perf_counter()
            pk = sql.record(max(written, 1))
            floor.append((time.perf_counter() - started) * 1000)
            sql.forget(pk)
    return Result(page.name, page.url, page.as_, status, len(captured), runs, samples, floor,
                  page.note)


def run_pages(repeat: int, budget_s: float, only: str | None, skip: list[str] = (),
              log=print) -> tuple[list[Result], Result, dict]:
    import time_machine
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from incidentdesk.accounts.tokens import create_token

    who = data.people()
    users = {"admin": who["admin"], "viewer": who["viewer"], "owner": who["managers"][2]}
    large = large_incident()
    with time_machine.travel(data.NOW, tick=True):
        sql = Sql(connection, data.NOW, users)
        _, token = create_token(user=who["admin"], name=f"bench {uuid.uuid4().hex[:6]}", scopes=["read"],
                                by=who["admin"])
        clients = {}
        for name in ("admin", "viewer"):
            clients[name] = Client(HTTP_HOST="localhost")
            clients[name].force_login(users[name])
        bare = measure(Page("bare signed-in view (floor)", "/bench/bare/", None), clients["admin"], sql,
                       max(repeat, 20), budget_s, {})
        results = []
        for page in pages(sql, large, users["owner"].username):
            if (only and only not in page.name) or any(word in page.name for word in skip):
                continue
            headers = {"Authorization": f"Bearer {token}"} if page.url.startswith("/api/") else {}
            result = measure(page, clients[page.as_], sql, repeat, budget_s, headers)
            log(f"  {result.name}: {result.status}, {result.queries} queries, p50 {result.p50:.1f} ms, "
                f"p95 {result.p95:.1f} ms" + (f", SQL floor {result.floor_p95:.1f} ms" if result.floor_p95 else ""),
                file=sys.stderr)
            results.append(result)
    assert not settings.DEBUG
    return results, bare, {"large_incident": large[1]}


def table(results: list[Result], bare: Result) -> str:
    lines = [f"Bare signed-in view through the same middleware (floor b): p50 {bare.p50:.1f} ms, "
             f"p95 {bare.p95:.1f} ms.", "",
             "| page | as | status | queries | runs | p50 | p95 | SQL floor p95 | p95 / SQL floor | p95 / bare view "
             f"| met? (≤ {TARGET_MS} ms, ≤ {TARGET_RATIO}× SQL) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        floor = f"{r.floor_p95:.1f} ms" if r.floor_p95 else "—"
        ratio = f"{r.ratio:.1f}×" if r.ratio else "—"
        why = "yes" if r.met else ("**no**: " + ", ".join(
            x for x in ([f"{r.p95:.0f} ms"] if r.p95 > TARGET_MS else [])
            + ([f"{r.ratio:.0f}× floor"] if r.ratio and r.ratio > TARGET_RATIO else [])))
        lines.append(f"| {r.name} | {r.as_} | {r.status} | {r.queries} | {r.runs} | {r.p50:.1f} ms | {r.p95:.1f} ms | "
                     f"{floor} | {ratio} | {r.p95 / bare.p95:.0f}× | {why} |")
    return "\n".join(lines)


def shared(args) -> bool:
    """Is the target someone else's master copy (beside a READY file, or a PostgreSQL template)?"""
    if not args.postgres:
        return args.db is not None and (args.db.resolve().parent / "READY").exists()
    with pgserver.admin_connection(host=args.pg_host, port=args.pg_port, user=args.pg_user,
                                   password=args.pg_password) as conn:
        row = conn.execute("SELECT datistemplate FROM pg_database WHERE datname = %s", [args.pg_name]).fetchone()
    return bool(row and row[0])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--budget", type=float, default=30, help="Seconds of timed runs per page at most (slow "
                        "pages get fewer runs, never fewer than 2)")
    parser.add_argument("--large-rows", type=int, default=data.LARGE_ROWS, help="Generating: rows of each kind on "
                        "the large incident (actions, comments, evidence, corrective actions, notifications)")
    parser.add_argument("--large-events", type=int, default=data.LARGE_AUDIT_EVENTS,
                        help="Generating: audit events of the large incident")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="Measure the existing database, do not generate")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL: a private server unless --pg-port")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, help="An existing server (default: start a private one)")
    parser.add_argument("--pg-user", default="incidentdesk")
    parser.add_argument("--pg-password", default="incidentdesk")
    parser.add_argument("--pg-name", default=f"idk_bench_pages_{os.getpid()}")
    parser.add_argument("--from-template", help="PostgreSQL: copy this database to --pg-name first, then measure")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep --pg-name afterwards")
    parser.add_argument("--data-dir", type=Path, help="Folder of the audit key (default: beside --db, or temporary)")
    parser.add_argument("--only", help="Measure only the pages whose name contains this")
    parser.add_argument("--skip", default="", help="Leave out the pages whose name contains any of these "
                        "(comma-separated), e.g. pages already known to take minutes")
    parser.add_argument("--json", type=Path, help="Also write every figure as JSON here")
    parser.add_argument("--markdown", action="store_true", help="Print the docs/performance.md subsection")
    args = parser.parse_args(argv)
    command = "python bench/pages.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.postgres and args.pg_port is None:
        with pgserver.PrivateServer() as port:
            args.pg_port = port
            return _main(args, command, private=True)
    return _main(args, command, private=False)


def _main(args, command: str, private: bool) -> dict:
    pg = {"host": args.pg_host, "port": args.pg_port, "user": args.pg_user, "password": args.pg_password}
    if args.from_template:
        pgserver.recreate_database(args.pg_name, template=args.from_template, **pg)
        args.reuse = True
    if args.reuse and shared(args):
        raise SystemExit("That database is a shared master copy (READY beside it, or a template): the bench records "
                         "incidents, so measure a copy (--from-template, or cp --sparse=always).")
    if args.postgres:
        if not args.reuse:
            pgserver.recreate_database(args.pg_name, **pg)
        data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="incidentdesk-bench-"))
        data.configure(engine="postgres", db=args.pg_name, data_dir=data_dir, pg_host=args.pg_host,
                       pg_port=args.pg_port, pg_user=args.pg_user, pg_password=args.pg_password)
    else:
        db = args.db or Path(tempfile.mkdtemp(prefix="incidentdesk-bench-")) / "register.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        data.configure(engine="sqlite", db=str(db), data_dir=args.data_dir or db.parent)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # Production's code paths: no query log kept in memory, templates without debug information, mail kept.
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ROOT_URLCONF = bare_urls()
    load_before = os.getloadavg()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    meta = {"generated": None}
    if not args.reuse:
        meta["generated"] = data.generate(args.incidents, log=lambda *a: print(*a, file=sys.stderr),
                                          large_rows=args.large_rows, large_events=args.large_events)
    prepared_s = time.perf_counter() - started
    try:
        results, bare, found = run_pages(args.repeat, args.budget, args.only,
                                         [word for word in args.skip.split(",") if word])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM incidents_incident")
            incidents = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                cursor.execute("SELECT version()")
                version = cursor.fetchone()[0].split(" on ")[0]
            else:
                import sqlite3

                version = f"SQLite {sqlite3.sqlite_version}"
    finally:
        connection.close()
        if args.postgres and not args.keep and (private or not args.reuse or args.from_template):
            pgserver.drop_database(args.pg_name, **pg)
    meta |= {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": command,
             "database": version + (" (private server, bench/pgserver.py)" if private else ""),
             "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
             "incidents": incidents, "prepared_s": prepared_s, "load_before": load_before,
             "load_after": os.getloadavg()} | found
    text = report(meta, results, bare, args.markdown)
    print(text)
    out = {"meta": meta, "bare": bare.as_dict(), "pages": [r.as_dict() for r in results]}
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
    return out


def report(meta: dict, results: list[Result], bare: Result, markdown: bool) -> str:
    load = " / ".join(f"{a:.1f}" for a in meta["load_before"]) + " before, " + " / ".join(
        f"{a:.1f}" for a in meta["load_after"]) + " after"
    head = [f"### {meta['database'].split()[0]}, {meta['incidents']:,} incidents" if markdown else "",
            f"Run {meta['date']} on {meta['machine']}, {meta['database']}; load average (1/5/15 min) {load}.",
            f"`{meta['command']}`. Large incident: {meta['large_incident']}. "
            f"{sum(r.met for r in results)} of {len(results)} pages meet both targets.", ""]
    return "\n".join([line for line in head if line or not markdown] + [table(results, bare)]).strip() + "\n"


if __name__ == "__main__":
    main()
