"""The SQL that keeps the dashboard's rollups equal to the incidents, for SQLite and PostgreSQL (decision 206).

One operation, *refresh incident X*, is all there is: take X's old ``IncidentFigure`` row out of the day
counts, compute the row again from the incident, its tools, containment actions and obligations, and add it
back. A trigger on each of those tables runs it for the incident a changed row belongs to, in the same
statement as the change, so no write path (a service, the admin, a bulk ``update()``, raw SQL) can leave the
counts behind. ``rebuild`` is the same computation for every incident at once, set-based.
"""

from __future__ import annotations

TABLE_F = "dashboard_incidentfigure"
TABLE_D = "dashboard_daycount"
US_DAY = 86_400_000_000
US_HOUR = 3_600_000_000


def _bucket(us: str) -> str:
    """A duration's histogram bucket: hours up to a day (0–23), days up to 30 days (25–53), then one bucket (60).

    Coarse enough that a year of incidents fills a few dozen buckets per day, fine enough that the median's
    bucket holds a few thousand values to read in order."""
    return (f"CASE WHEN {us} IS NULL THEN NULL WHEN {us} < {US_DAY} THEN {us} / {US_HOUR} "
            f"WHEN {us} < {30 * US_DAY} THEN 24 + {us} / {US_DAY} ELSE 60 END")


class Dialect:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, vendor: str):
        self.pg = vendor == "postgresql"

    def offset(self, ts: str) -> str:
        return (f"COALESCE((SELECT z.seconds FROM dashboard_zoneoffset z WHERE z.start <= {ts} "
                "ORDER BY z.start DESC LIMIT 1), 0)")

    def day(self, ts: str) -> str:
        """The organisation's calendar day of a UTC time (the zone's offsets are in ``dashboard_zoneoffset``)."""
        if self.pg:
            return f"CAST(({ts} AT TIME ZONE 'UTC') + make_interval(secs => {self.offset(ts)}) AS date)"
        return f"date({ts}, {self.offset(ts)} || ' seconds')"

    def us(self, later: str, earlier: str) -> str:
        """Microseconds from ``earlier`` to ``later`` (exact: the median is statistics.median of these)."""
        if self.pg:
            return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) * 1000000 AS bigint)"
        return (f"((CAST(strftime('%s', {later}) AS INTEGER) - CAST(strftime('%s', {earlier}) AS INTEGER)) * 1000000"
                f" + CAST(substr({later}, 21, 6) AS INTEGER) - CAST(substr({earlier}, 21, 6) AS INTEGER))")

    def categories(self, column: str) -> str:
        if self.pg:
            return (f"CASE WHEN jsonb_typeof({column}) = 'array' AND jsonb_array_length({column}) > 0 THEN {column} "
                    "ELSE '[\"uncategorised\"]'::jsonb END")
        return (f"CASE WHEN json_type({column}) = 'array' AND json_array_length({column}) > 0 THEN {column} "
                "ELSE '[\"uncategorised\"]' END")

    def tools(self, incident: str) -> str:
        if self.pg:
            return (f"(SELECT COALESCE(jsonb_agg(t.name ORDER BY t.name), '[]'::jsonb) FROM incidents_incidenttool t "
                    f"WHERE t.incident_id = {incident})")
        return (f"(SELECT COALESCE(json_group_array(t.name), '[]') FROM "
                f"(SELECT name FROM incidents_incidenttool WHERE incident_id = {incident} ORDER BY name) t)")

    def elements(self, column: str) -> str:
        """A FROM item that lists a JSON array's strings as ``j.value``."""
        return f"jsonb_array_elements_text({column}) AS j(value)" if self.pg else f"json_each({column}) AS j"

    @property
    def false(self) -> str:
        return "false" if self.pg else "0"


def figure_select(d: Dialect, where: str) -> str:
    """``IncidentFigure`` rows computed from the source tables, for the real incidents that match ``where``."""
    contained = "(SELECT min(c.taken_at) FROM containment_containmentaction c WHERE c.incident_id = i.id)"
    done = ("FROM obligations_obligation o WHERE o.incident_id = i.id AND o.status = 'done' "
            "AND o.due_at IS NOT NULL AND o.completed_at IS NOT NULL")
    inner = (f"SELECT i.id AS id, {d.day('i.detected_at')} AS day, {d.categories('i.categories')} AS categories, "
             f"{d.tools('i.id')} AS tools, {d.us('i.classified_at', 'i.detected_at')} AS cu, "
             f"{d.us(contained, 'i.detected_at')} AS ku, (SELECT count(*) {done}) AS done, "
             f"(SELECT count(*) {done} AND o.completed_at <= o.due_at) AS on_time, i.status AS status, "
             "i.severity_level AS severity_level "
             f"FROM incidents_incident i WHERE i.is_exercise = {d.false} AND {where}")
    positive = "CASE WHEN x.{0} >= 0 THEN x.{0} END"
    cu, ku = positive.format("cu"), positive.format("ku")
    return (f"SELECT x.id, x.day, x.categories, x.tools, {cu}, {_bucket(cu)}, {ku}, {_bucket(ku)}, x.done, x.on_time, "
            "x.status, x.severity_level "
            f"FROM ({inner}) x")


COLUMNS = ("incident_id, day, categories, tools, classify_us, classify_bucket, contain_us, contain_bucket, done, "
           "on_time, status, severity_level")
UPSERT = f"ON CONFLICT (kind, day, key) DO UPDATE SET n = {TABLE_D}.n + excluded.n"


def _counts(d: Dialect, where: str) -> list[str]:
    """INSERT statements adding the ``IncidentFigure`` rows that match ``where`` (on ``f``) to the day counts."""
    adds = []
    for kind, column in (("category", "categories"), ("tool", "tools")):
        adds.append(f"INSERT INTO {TABLE_D} (day, kind, key, n) SELECT f.day, '{kind}', j.value, count(*) "
                    f"FROM {TABLE_F} f, {d.elements(f'f.{column}')} WHERE {where} GROUP BY f.day, j.value {UPSERT}")
    for kind in ("classify", "contain"):
        adds.append(f"INSERT INTO {TABLE_D} (day, kind, key, n) SELECT f.day, '{kind}', CAST(f.{kind}_bucket AS TEXT), "
                    f"count(*) FROM {TABLE_F} f WHERE {where} AND f.{kind}_bucket IS NOT NULL "
                    f"GROUP BY f.day, f.{kind}_bucket {UPSERT}")
    for kind in ("done", "on_time"):
        adds.append(f"INSERT INTO {TABLE_D} (day, kind, key, n) SELECT f.day, '{kind}', '', sum(f.{kind}) "
                    f"FROM {TABLE_F} f WHERE {where} AND f.{kind} > 0 GROUP BY f.day {UPSERT}")
    return adds


def _subtract(d: Dialect, incident: str) -> list[str]:
    """UPDATE statements taking one incident's ``IncidentFigure`` row out of the day counts."""
    row = f"{TABLE_F} f WHERE f.incident_id = {incident}"
    day = f"(SELECT f.day FROM {row})"
    subs = []
    for kind, column in (("category", "categories"), ("tool", "tools")):
        listed = f"FROM {TABLE_F} f, {d.elements(f'f.{column}')} WHERE f.incident_id = {incident}"
        subs.append(f"UPDATE {TABLE_D} SET n = n - (SELECT count(*) {listed} AND j.value = {TABLE_D}.key) "
                    f"WHERE kind = '{kind}' AND day = {day} AND key IN (SELECT j.value {listed})")
    for kind in ("classify", "contain"):
        subs.append(f"UPDATE {TABLE_D} SET n = n - 1 WHERE kind = '{kind}' AND day = {day} "
                    f"AND key = (SELECT CAST(f.{kind}_bucket AS TEXT) FROM {row})")
    for kind in ("done", "on_time"):
        subs.append(f"UPDATE {TABLE_D} SET n = n - (SELECT f.{kind} FROM {row}) WHERE kind = '{kind}' AND key = '' "
                    f"AND day = {day}")
    return subs


def refresh(d: Dialect, incident: str) -> list[str]:
    """Statements that make incident ``incident``'s figures (and the day counts) equal to its rows again."""
    return [*_subtract(d, incident), f"DELETE FROM {TABLE_F} WHERE incident_id = {incident}",
            f"INSERT INTO {TABLE_F} ({COLUMNS}) {figure_select(d, f'i.id = {incident}')}",
            *_counts(d, f"f.incident_id = {incident}")]


def rebuild(d: Dialect) -> list[str]:
    """Every rollup row recomputed from the source tables (repair, a new time zone, the first migration)."""
    return [f"DELETE FROM {TABLE_D}", f"DELETE FROM {TABLE_F}",
            f"INSERT INTO {TABLE_F} ({COLUMNS}) {figure_select(d, '1 = 1')}", *_counts(d, "1 = 1"),
            f"DELETE FROM {TABLE_D} WHERE n = 0"]


#: (table, columns whose change moves figures, the incident id column)
SOURCES = [
    ("incidents_incident", ["detected_at", "categories", "classified_at", "is_exercise", "status", "severity_level"],
     "id"),
    ("incidents_incidenttool", ["name", "incident_id"], "incident_id"),
    ("containment_containmentaction", ["taken_at", "incident_id"], "incident_id"),
    ("obligations_obligation", ["status", "due_at", "completed_at", "incident_id"], "incident_id"),
]


def _sqlite_triggers(d: Dialect) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) for SQLite: the refresh statements inline in each trigger."""
    def body(*incidents: str) -> str:
        return " ".join(f"{s};" for incident in incidents for s in refresh(d, incident))

    made = []
    for table, columns, key in SOURCES:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        update_ids = ("NEW.id",) if key == "id" else (f"OLD.{key}", f"NEW.{key}")
        made += [
            (f"dashboard_{table}_ins", f"CREATE TRIGGER dashboard_{table}_ins AFTER INSERT ON {table} "
                                       f"BEGIN {body(f'NEW.{key}')} END"),
            (f"dashboard_{table}_upd", f"CREATE TRIGGER dashboard_{table}_upd AFTER UPDATE ON {table} "
                                       f"WHEN {changed} BEGIN {body(*update_ids)} END"),
            (f"dashboard_{table}_del", f"CREATE TRIGGER dashboard_{table}_del AFTER DELETE ON {table} "
                                       f"BEGIN {body(f'OLD.{key}')} END"),
        ]
    return made


def _postgres_triggers(d: Dialect) -> list[tuple[str, str]]:
    """(name, statement) for PostgreSQL: one function ``dashboard_refresh(id)``, a trigger function per table."""
    statements = " ".join(f"{s};" for s in refresh(d, "target_id"))
    made = [("dashboard_refresh", "CREATE OR REPLACE FUNCTION dashboard_refresh(target_id bigint) RETURNS void "
                                  f"LANGUAGE plpgsql AS $$ BEGIN {statements} END $$")]
    for table, columns, key in SOURCES:
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        function = f"dashboard_{table}_fn"
        made.append((function, f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                               f"IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM dashboard_refresh(OLD.{key}); END IF; "
                               f"IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM dashboard_refresh(NEW.{key}); END IF; "
                               "RETURN NULL; END $$"))
        made += [
            (f"dashboard_{table}_insdel", f"CREATE TRIGGER dashboard_{table}_insdel AFTER INSERT OR DELETE ON {table} "
                                          f"FOR EACH ROW EXECUTE FUNCTION {function}()"),
            (f"dashboard_{table}_upd", f"CREATE TRIGGER dashboard_{table}_upd AFTER UPDATE ON {table} "
                                       f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}()"),
        ]
    return made


def create(vendor: str) -> list[str]:
    d = Dialect(vendor)
    return [sql for _, sql in (_postgres_triggers(d) if d.pg else _sqlite_triggers(d))]


def drop(vendor: str) -> list[str]:
    """The reverse of ``create`` (triggers first, then the functions they call)."""
    d = Dialect(vendor)
    if not d.pg:
        return [f"DROP TRIGGER IF EXISTS {name}" for name, _ in _sqlite_triggers(d)]
    statements = []
    for table, _, _ in SOURCES:
        statements += [f"DROP TRIGGER IF EXISTS dashboard_{table}_insdel ON {table}",
                       f"DROP TRIGGER IF EXISTS dashboard_{table}_upd ON {table}",
                       f"DROP FUNCTION IF EXISTS dashboard_{table}_fn()"]
    return [*statements, "DROP FUNCTION IF EXISTS dashboard_refresh(bigint)"]
