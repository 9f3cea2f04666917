"""Record incidents, change their facts, classify them, and keep their assessment current.

Every function validates first and writes after, inside one transaction with its audit events,
so bad input leaves stored data untouched. Views, the API and the CLI all call these functions.

This module imports only low-level storage (``obligations.store``, ``breaches.store``,
``inventory.lookup``). Services that settle an obligation or record a GDPR decision and then
reassess live in ``obligations.services`` and ``breaches.services``, which import this module.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string

from incidentdesk import assignment, times
from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.assessment import Assessment, assess
from incidentdesk.assessment.categories import from_words
from incidentdesk.assessment.facts import Category, IncidentFacts
from incidentdesk.assessment.rulebook import default_rulebook
from incidentdesk.assessment.severity import classify as compute_severity
from incidentdesk.audit import services as audit
from incidentdesk.breaches import store as breaches
from incidentdesk.governance.current import procedure_in_force
from incidentdesk.governance.models import DocumentKind, DocumentVersion, VersionStatus
from incidentdesk.inventory.lookup import find_tool
from incidentdesk.inventory.models import AITool
from incidentdesk.obligations import store as obligations
from incidentdesk.organisation.models import Organisation
from incidentdesk.refusals import NotFound, Refused

from . import facts as incident_facts
from .lock import ensure_open
from .models import (
    Classification,
    ClassificationKind,
    DetectionSource,
    Incident,
    IncidentSequence,
    IncidentTool,
)

COLUMNS = ("title", "description", "detection_source", "detected_at", "occurred_at", "aware_at",
           "causal_link_suspected_at", "causal_link_established_at", "categories", "affected_parties")
FACT_GROUPS = ("personal_data", "harm", *incident_facts.REGIME_GROUPS)


class IncidentRefused(Refused):
    """The request is invalid; the message is for the user and nothing was stored."""


class IncidentNotFound(NotFound):
    """No such incident, or not one this person may see."""


def get_incident(reference: str) -> Incident:
    try:
        return Incident.objects.get(reference=reference.strip().upper())
    except Incident.DoesNotExist:
        raise IncidentNotFound(f"no incident {reference!r} in the register (ids look like INC-2026-001)") from None


def allocate_reference(year: int) -> tuple[int, str]:
    """Next number for ``year`` under a row lock: sequential, never reused, safe under concurrency.

    One statement (decision 230): an upsert that creates the year's row or increments it and returns the new
    number, holding the row's lock until the caller's transaction ends, as the locked read and update did in
    five statements. Both databases speak it (SQLite since 3.35, PostgreSQL since 9.5).
    """
    table = connection.ops.quote_name(IncidentSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608 (the model's own table)
                       f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last", [year])
        number = cursor.fetchone()[0]
    return number, f"INC-{year}-{number:03d}"


def _validate(*, columns: dict[str, Any], stored: dict[str, Any], tool_names: list[str],
              now: datetime, organisation: Organisation | None = None,
              tools: list[dict[str, Any]] | None = None) -> IncidentFacts:
    """Build the core's facts from the would-be state; refuse before anything is written.

    ``organisation`` and ``tools`` (the tools' facts, as ``_tools_found`` gives them) when the caller read them
    already: recording reads each once and assesses with the facts validated here (decision 231)."""
    if not (columns.get("title") or "").strip():
        raise IncidentRefused("title: say in a few words what happened")
    if not (columns.get("description") or "").strip():
        raise IncidentRefused("description: describe what happened")
    if columns.get("detection_source") not in DetectionSource.values:
        raise IncidentRefused(f"detection_source: choose one of {', '.join(DetectionSource.values)}")
    unknown = set(stored) - set(incident_facts.FLAGS) - set(FACT_GROUPS) - set(incident_facts.FACT_TIMESTAMPS)
    if unknown:
        raise IncidentRefused(f"unknown fact(s): {', '.join(sorted(unknown))} (see docs/facts.md)")
    if tools is None:
        tools = [{"name": n, "in_inventory": find_tool(n) is not None} for n in tool_names]
    organisation = organisation or Organisation.current()
    payload = incident_facts.payload_for(columns=columns, stored=stored, tools=tools,
                                         organisation=organisation.as_facts(), completed={},
                                         decision=None, level_override=None)
    try:
        facts = incident_facts.build(payload)
        facts.check_not_future(now)
    except (incident_facts.FactsRefused, ValueError) as exc:
        refused = IncidentRefused(str(exc))
        refused.field = getattr(exc, "field", None)  # a time in the future: shown beside its field
        raise refused from exc
    _store_timestamps_in_utc(stored, facts)
    return facts


def _store_timestamps_in_utc(stored: dict[str, Any], facts: IncidentFacts) -> None:
    """A timestamp fact kept in the JSON facts is stored as the validated UTC time, whatever offset it came with."""
    for name in incident_facts.FACT_TIMESTAMPS:
        if stored.get(name) is not None:
            stored[name] = getattr(facts, name).isoformat()


def preview(*, title: str, detected_at: datetime, tools: list[str], facts: dict[str, Any],
            now: datetime | None = None) -> Assessment:
    """What recording these facts would give (provisional severity and clocks); stores nothing."""
    now = now or timezone.now()
    columns = {"title": title or "(untitled)", "description": title or "(untitled)",
               "detection_source": DetectionSource.OWN_OBSERVATION, "detected_at": detected_at, "categories": []}
    return assess(_validate(columns=columns, stored=facts, tool_names=tools, now=now), now=now)


def _set_tools(incident: Incident, names: list[str]) -> None:
    incident.tools.all().delete()
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        tool = find_tool(name)
        IncidentTool.objects.create(incident=incident, tool=tool, name=tool.name if tool else name)


def _tools_found(names: list[str]) -> dict[str, AITool | None]:
    """Each distinct named tool (stripped, first spelling kept) -> its inventory entry or None, in one query.

    The same match as ``find_tool`` (name ignoring case); a name that two entries share takes the first, as
    ``find_tool``'s ``first()`` does."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not wanted:
        return {}
    query = Q()
    for name in wanted:
        query |= Q(name__iexact=name)
    found: dict[str, AITool] = {}
    for tool in AITool.objects.filter(query).order_by("name"):
        found.setdefault(tool.name.lower(), tool)
    return {name: found.get(name.lower()) for name in wanted}


def _tool_facts(found: dict[str, AITool | None]) -> list[dict[str, Any]]:
    """The tools as ``incident_facts.facts_for`` reads them back once linked (``tool_facts``)."""
    return [tool.as_facts(tool.name) if tool else {"name": name, "in_inventory": False}
            for name, tool in found.items()]


def _history(incident: Incident, *, level: int, previous: int | None, computed: int, kind: str, reasons: list[str],
             by: Any, reasoning: str = "") -> None:
    Classification.objects.create(incident=incident, level=level, previous_level=previous, computed_level=computed,
                                  kind=kind, reasoning=reasoning, reasons=reasons,
                                  by=by if getattr(by, "pk", None) else None, by_name=audit.actor_name(by),
                                  at=timezone.now())


def reassess(*, incident: Incident, by: Any, now: datetime | None = None, reevaluate: bool = False,
             person_set_level: bool = False, recorded: IncidentFacts | None = None) -> Assessment:
    """Recompute severity, obligations and the GDPR recommendation from the stored facts.

    Never a silent downgrade: if new facts lower the computed level, the level is held and a
    person must downgrade it with a reason (``classify``). New facts that raise it always win.

    ``recorded``: the facts of an incident recorded a moment ago in this transaction, as ``record_incident``
    validated them; it has no history, obligations, breach assessment or acts yet, so nothing is read back
    (decision 231: facts validated once, the organisation read once).
    """
    now = now or timezone.now()
    if recorded is None:
        ensure_open(incident)
        facts = incident_facts.facts_for(incident)
    else:
        facts = recorded
    computed = compute_severity(facts.model_copy(update={"level_override": None}), default_rulebook()).level
    previous = None if recorded is not None else (
        incident.severity_level if incident.classifications.exists() else None)
    kind = ClassificationKind.PROVISIONAL if previous is None else ClassificationKind.RECOMPUTED
    if incident.level_override and computed > (incident.override_basis or 0):
        incident.level_override = incident.override_basis = None  # new facts raise the level past a person's
    level = incident.level_override or computed
    if previous is not None and level < previous and not person_set_level:
        level, kind = previous, ClassificationKind.HELD
        incident.level_override, incident.override_basis = previous, computed
    rules = None if reevaluate or recorded is not None else obligations.stored_rules(incident)
    result = assess(facts.model_copy(update={"level_override": incident.level_override}), now=now, rules=rules)
    if kind == ClassificationKind.HELD:
        result.severity.reasons.append(f"Held at level {level}: the facts now give level {computed}, and a level "
                                       "is never lowered silently; a person may downgrade it with a reason")
    newly_held = kind == ClassificationKind.HELD and getattr(incident.classifications.last(), "kind", "") != kind
    changed = result.severity.level != incident.severity_level or previous is None or newly_held
    assessed = (result.severity.level, result.severity.reasons)
    if recorded is None or (incident.severity_level, incident.severity_reasons) != assessed:
        incident.severity_level, incident.severity_reasons = assessed  # a recorded one was inserted at its level
        incident.save()
    if changed and not person_set_level:  # a person's classification writes its own history row
        _history(incident, level=result.severity.level, previous=previous, computed=computed, kind=kind,
                 reasons=result.severity.reasons, by=by)
        audit.record(action="incident.severity", object_type="incident", object_id=incident.pk, by=by,
                     incident_ref=incident.reference, before={"severity_level": previous},
                     after={"severity_level": result.severity.level, "kind": kind,
                            "reasons": result.severity.reasons})
    obligations.apply_outcomes(incident=incident, outcomes=result.obligations,
                               rules=rules if rules is not None else default_rulebook().obligations, by=by,
                               reevaluated=reevaluate, new=recorded is not None)
    breaches.store_recommendation(incident=incident, gdpr=result.gdpr, by=by, new=recorded is not None)
    for hook in settings.AFTER_REASSESS:  # e.g. internal routing tells the teams the new facts name
        import_string(hook)(incident=incident, by=by, now=now, recorded=recorded)
    return result


def record_incident(*, title: str, description: str, detected_at: datetime, by: Any,
                    detection_source: str = DetectionSource.OWN_OBSERVATION, occurred_at: datetime | None = None,
                    aware_at: datetime | None = None, causal_link_established_at: datetime | None = None,
                    tools: list[str] | None = None, categories: list[str] | None = None,
                    data_classes: list[str] | None = None, affected_parties: str = "",
                    facts: dict[str, Any] | None = None, now: datetime | None = None,
                    exercise: bool = False) -> Incident:
    """Step 1 of the procedure (detect and record): store the incident and start its clocks.

    ``exercise``: a rehearsal, flagged from birth and never afterwards (``preparedness.services.start``)."""
    now = now or timezone.now()
    columns = {"title": title, "description": description, "detection_source": detection_source,
               "detected_at": detected_at, "occurred_at": occurred_at, "aware_at": aware_at,
               "causal_link_established_at": causal_link_established_at, "categories": list(categories or []),
               "affected_parties": affected_parties}
    stored = _with_data_classes(dict(facts or {}), data_classes or [])
    # the profile, the procedure in force and the named tools, read once in one query (decisions 231, 271)
    organisation, procedure_id, found = _profile_procedure_and_tools(list(tools or []))
    checked = _validate(columns=columns, stored=stored, tool_names=list(found), now=now, organisation=organisation,
                        tools=_tool_facts(found))
    columns["categories"] = [Category(c).value for c in columns["categories"]]
    zone = ZoneInfo(organisation.time_zone or "UTC")
    with transaction.atomic(), audit.batched(), times.pinned(zone):  # the e-mails' times read no profile
        number, reference = allocate_reference(detected_at.astimezone(zone).year)
        incident = Incident(reference=reference, year=int(reference[4:8]), number=number, facts=stored,
                            created_by=by if getattr(by, "pk", None) else None, procedure_version_id=procedure_id,
                            owner=default_owner(by), is_exercise=exercise, **columns)
        as_recorded = _insert_assessed(incident, checked)
        links = _link_tools(incident, found)
        audit.record(action="incident.created", object_type="incident", object_id=incident.pk, by=by,
                     incident_ref=reference, after=as_recorded | {"tools": [str(t) for t in links]})
        reassess(incident=incident, by=by, now=now, recorded=checked)
    return incident


#: What recording reads of a named inventory tool: the link (its id and name) and its facts (``AITool.as_facts``).
#: Any other field of the tool is left deferred (read if ever asked for, never a wrong default).
TOOL_FIELDS = ("id", "name", "risk_class", "ai_act_role", "medical_device", "equivalent_reporting")


def _profile_procedure_and_tools(names: list[str]) -> tuple[Organisation, int | None, dict[str, AITool | None]]:
    """The organisation profile, the incident procedure in force (its version's id) and the named tools
    (``_tools_found``'s answer), in one read.

    Each is read once per recording (decision 231), and together: the inventory's read was the statement that
    took recording with tools past its budget of 20 (decision 271). Each distinct name is a few scalar
    subqueries on the profile row, the same match as ``_tools_found`` (name ignoring case, the first by name).
    Before ``incidentdesk init`` there is no profile row, and everything is read apart, as
    ``Organisation.current``, ``procedure_in_force`` and ``_tools_found`` do."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    in_force = (DocumentVersion.objects.filter(document__kind=DocumentKind.INCIDENT_PROCEDURE,
                                               status=VersionStatus.IN_FORCE)
                .order_by(*DocumentVersion._meta.ordering).values("pk")[:1])  # procedure_in_force's .first()
    columns = {f"tool_{i}_{field}": Subquery(AITool.objects.filter(name__iexact=name).order_by("name")
                                             .values(field)[:1])
               for i, name in enumerate(wanted) for field in TOOL_FIELDS}
    organisation = Organisation.objects.filter(pk=1).annotate(procedure_id=Subquery(in_force), **columns).first()
    if organisation is None:
        procedure = procedure_in_force()
        return Organisation.current(), procedure.pk if procedure else None, _tools_found(wanted)
    found: dict[str, AITool | None] = {}
    for i, name in enumerate(wanted):
        values = [getattr(organisation, f"tool_{i}_{field}") for field in TOOL_FIELDS]
        found[name] = None if values[0] is None else AITool.from_db(Organisation.objects.db, TOOL_FIELDS, values)
    return organisation, organisation.procedure_id, found


def _insert_assessed(incident: Incident, facts: IncidentFacts) -> dict[str, Any]:
    """Insert a new incident already at its provisional level, and return it as the "incident.created" event
    shows it: as recorded, before the level was assessed (the "incident.severity" event that follows says
    which level it got, as before). One insert instead of an insert and an update (decision 233)."""
    severity = compute_severity(facts, default_rulebook())
    unassessed = {"severity_level": incident.severity_level, "severity_reasons": incident.severity_reasons}
    incident.severity_level, incident.severity_reasons = severity.level, severity.reasons
    incident.save(force_insert=True)
    return audit.snapshot(incident) | json.loads(audit.canonical(unassessed))


def _link_tools(incident: Incident, found: dict[str, AITool | None]) -> list[IncidentTool]:
    """Link a new incident to its tools in one insert (``_set_tools`` replaces the links of a stored one)."""
    links = [IncidentTool(incident=incident, tool=tool, name=tool.name if tool else name)
             for name, tool in found.items()]
    return IncidentTool.objects.bulk_create(links) if links else []


def _with_data_classes(stored: dict[str, Any], words: list[str], *, replace: bool = False) -> dict[str, Any]:
    """The register's "data classes" are the personal data categories of the facts (one answer, issue 12): listed
    names and their synonyms become categories, other words are kept as other kinds of data. ``replace`` sets
    both lists to what was given (an edit); otherwise the words are added to what the facts already say."""
    if not words and not replace:
        return stored
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise IncidentRefused("data_classes: give a list of kinds of personal data, e.g. [\"contact\", \"health\"]")
    categories, others = from_words(words)
    data = dict(stored.get("personal_data") or {}) if isinstance(stored.get("personal_data"), dict) else {}
    if not replace:
        categories = list(dict.fromkeys((data.get("data_categories") or []) + categories))
        others = list(dict.fromkeys((data.get("other_data_categories") or []) + others))
    data["data_categories"] = categories or None
    data["other_data_categories"] = others
    return stored | {"personal_data": data}


def _tool_names(incident: Incident) -> list[str]:
    return [str(link) for link in incident.tools.all()]


def update_incident(*, incident: Incident, by: Any, changes: dict[str, Any], now: datetime | None = None) -> Incident:
    """Change columns and facts (``harm.death``, ``personal_data.records``, ``tools``…), then reassess."""
    ensure_open(incident)
    now = now or timezone.now()
    columns = {name: getattr(incident, name) for name in COLUMNS}
    stored = {k: (dict(v) if isinstance(v, dict) else v) for k, v in incident.facts.items()}
    tool_names = [link.name for link in incident.tools.all()]
    for key, value in changes.items():
        group, _, name = key.partition(".")
        if key == "tools":
            tool_names = list(value)
        elif key == "data_classes":
            stored = _with_data_classes(stored, [] if value is None else value, replace=True)
        elif key in COLUMNS:
            columns[key] = value
        elif group in FACT_GROUPS and name:
            stored.setdefault(group, {})[name] = value
        elif key in incident_facts.FLAGS or key in incident_facts.FACT_TIMESTAMPS:
            stored[key] = value
        else:
            raise IncidentRefused(f"{key}: not a field or fact that can be changed (see docs/facts.md)")
    _validate(columns=columns, stored=stored, tool_names=tool_names, now=now)
    before = audit.snapshot(incident) | {"tools": _tool_names(incident)}
    with transaction.atomic():
        for name, value in columns.items():
            setattr(incident, name, value)
        incident.facts = stored
        incident.save()
        _set_tools(incident, tool_names)
        old, new = audit.changed(before, audit.snapshot(incident) | {"tools": _tool_names(incident)})
        old.pop("updated_at", None)
        new.pop("updated_at", None)
        if new:
            audit.record(action="incident.updated", object_type="incident", object_id=incident.pk, by=by,
                         incident_ref=incident.reference, before=old, after=new)
        reassess(incident=incident, by=by, now=now)
    return incident


def classify(*, incident: Incident, level: int, reasoning: str, by: Any, now: datetime | None = None) -> Incident:
    """Step 3 (classify): a person's definitive level with written reasoning.

    Escalation is always allowed; a level below the current or computed one is a downgrade and is
    recorded as such. Both need reasoning (seed §6 step 3: "documents the reasoning").
    The status does not change: classifying is a step's record, and the status moves only through
    ``lifecycle.transition`` (so a detected incident is contained before it is classified).
    """
    ensure_open(incident)
    now = now or timezone.now()
    if level not in (1, 2, 3, 4):
        raise IncidentRefused("level: choose 1 (Minor), 2 (Moderate), 3 (Major) or 4 (Serious)")
    if not reasoning.strip():
        raise IncidentRefused("reasoning: the definitive classification needs written reasoning (seed §6 step 3)")
    facts = incident_facts.facts_for(incident)
    computed = compute_severity(facts.model_copy(update={"level_override": None}), default_rulebook()).level
    previous = incident.severity_level
    if level < previous or level < computed:
        kind = ClassificationKind.DOWNGRADE
    elif level > previous:
        kind = ClassificationKind.ESCALATION
    else:
        kind = ClassificationKind.DEFINITIVE
    with transaction.atomic():
        before = {"severity_level": previous, "classified_at": incident.classified_at,
                  "severity_reasoning": incident.severity_reasoning}
        incident.level_override, incident.override_basis = level, computed
        incident.severity_reasoning = reasoning.strip()
        incident.classified_at = incident.classified_at or now
        incident.save()
        result = reassess(incident=incident, by=by, now=now, person_set_level=True)
        _history(incident, level=level, previous=previous, computed=computed, kind=kind,
                 reasons=result.severity.reasons, by=by, reasoning=reasoning.strip())
        audit.record(action=f"incident.classified.{kind}", object_type="incident", object_id=incident.pk, by=by,
                     incident_ref=incident.reference, before=before,
                     after={"severity_level": level, "classified_at": incident.classified_at,
                            "severity_reasoning": incident.severity_reasoning})
    return incident


def default_owner(recorder: Any) -> Any:
    """Who runs a newly recorded incident: the person who recorded it, when their role may run incidents
    (incident manager, administrator); otherwise no one yet, and the workspace asks for an owner. A responder or
    a reporter who records an incident is not made its manager by doing so."""
    return recorder if getattr(recorder, "pk", None) and can(recorder, Capability.CLASSIFY) else None


def set_owner(*, incident: Incident, owner: Any, by: Any) -> Incident:
    """Make ``owner`` the incident manager of ``incident`` (None: no one). Only someone whose role may run
    incidents and who can see this one; audited with the names before and after."""
    ensure_open(incident)
    assignment.check_person(incident, owner, Capability.CLASSIFY, field="owner")
    before, after = assignment.name_of(incident.owner), assignment.name_of(owner)
    if incident.owner_id == getattr(owner, "pk", None):
        return incident
    with transaction.atomic():
        incident.owner = owner
        incident.save(update_fields=["owner", "updated_at"])
        audit.record(action="incident.owner_changed", object_type="incident", object_id=incident.pk, by=by,
                     incident_ref=incident.reference, before={"owner": before}, after={"owner": after},
                     summary=f"Owner changed from {before or 'no one'} to {after or 'no one'}")
    return incident
