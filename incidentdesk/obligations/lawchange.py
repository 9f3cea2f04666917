"""When the law changes: preview which open incidents' clocks would move, then apply it to all or some.

Obligations keep the rule version they were computed with (``RuleSnapshot``), so editing a rule file
changes nothing by itself. An open incident is *pending a law change* when its obligations were computed
with rule versions other than the current rule files' (a rule file got a new version, a rule was added
or removed). The preview shows, per incident and rule, what re-evaluation would do: a clock that moves
(old target / legal latest → new), appears or disappears, with the rule's citation and the rule file's
version and last-checked date. It stores nothing.

Applying re-evaluates the chosen incidents (``incidents.services.reassess`` with the current rule files),
each with one audit event naming who, the rule file versions before and after and what changed, in the
same transaction as the change; incidents not chosen keep their computation and stay pending. A closed
incident is refused: it keeps the law that applied when it was handled. The first application of a rule
file's new version also writes a line in the procedure's change log, open until the procedure is reviewed,
and opens the review task of the procedure when the law applies to us (``reviews.cycle``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.assessment import assess
from incidentdesk.assessment.obligations import Obligation as Outcome
from incidentdesk.assessment.rulebook import ObligationRule, Rulebook, default_rulebook
from incidentdesk.assessment.severity import classify as compute_severity
from incidentdesk.audit import services as audit
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.facts import facts_for
from incidentdesk.incidents.models import Incident, Status
from incidentdesk.lessons.models import DocumentChange, Target
from incidentdesk.organisation.models import Organisation
from incidentdesk.refusals import Conflict, Forbidden, NotFound, Refused
from incidentdesk.reviews.cycle import law_change_reviews
from incidentdesk.reviews.last import procedure_reviewed_on

from .models import Obligation, ObligationStatus
from .store import OPEN_STATUSES, rule_file_changes

CLOSED_KEEPS_ITS_LAW = ("is closed and can no longer be changed: a closed incident keeps the law that applied "
                        "when it was handled (its clocks keep the rule versions they were computed with). "
                        "Reopen it with a reason first if the new rules must apply to it")


STATUS_WORDS = dict(ObligationStatus.choices) | {"overdue": "Overdue"}


class LawChangeRefused(Refused):
    """The law change cannot be applied as asked; nothing was stored."""


class ClosedKeepsItsLaw(Conflict):
    """A closed incident is never re-evaluated: it keeps the law that applied when it was handled."""


@dataclass(frozen=True)
class RuleFile:
    """One rule file whose version differs from the one some open incident was computed with."""

    regime: str
    title: str
    version: str          # the current version ("" when the file is gone)
    last_checked: date | None
    computed_with: tuple[str, ...]  # the earlier versions open incidents were computed with


@dataclass(frozen=True)
class ClockChange:
    """What re-evaluation would do to one rule of one incident."""

    rule_id: str
    action: str
    citation: str
    kind: str             # moves, appears, disappears, changes (status only), version (nothing else)
    version_before: str
    version_after: str
    status_before: str
    status_after: str
    due_before: datetime | None
    due_after: datetime | None
    legal_before: datetime | None
    legal_after: datetime | None
    our_reading: str = ""

    @property
    def label(self) -> str:
        """What happens to the clock, in words."""
        return {"moves": "Moves", "appears": "New clock", "disappears": "No longer required",
                "changes": "Status changes", "version": "Same clock, new rule version"}[self.kind]

    @property
    def status_before_label(self) -> str:
        return STATUS_WORDS.get(self.status_before, "—")

    @property
    def status_after_label(self) -> str:
        return STATUS_WORDS.get(self.status_after, "—")

    @property
    def material(self) -> bool:
        """True when a person would see a clock differ, not only the rule version it names."""
        return self.kind != "version"

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class IncidentChange:
    """One open incident pending the law change, with what re-evaluation would do to its clocks."""

    reference: str
    title: str
    severity_level: int
    changes: list[ClockChange] = field(default_factory=list)

    @property
    def would_change(self) -> bool:
        return any(c.material for c in self.changes)

    @property
    def material_changes(self) -> list[ClockChange]:
        return [c for c in self.changes if c.material]


@dataclass
class Preview:
    files: list[RuleFile]
    incidents: list[IncidentChange]

    @property
    def would_change(self) -> list[IncidentChange]:
        return [i for i in self.incidents if i.would_change]

    def as_dict(self) -> dict[str, Any]:
        """For the API and ``--json``: the rule files, then each pending incident with its changes."""
        return {"changed_on": self.changed_on,
                "files": [{"regime": f.regime, "title": f.title, "version": f.version, "last_checked": f.last_checked,
                           "computed_with": list(f.computed_with)} for f in self.files],
                "incidents": [{"reference": i.reference, "title": i.title, "severity_level": i.severity_level,
                               "would_change": i.would_change, "changes": [c.as_dict() for c in i.changes]}
                              for i in self.incidents]}

    @property
    def changed_on(self) -> date | None:
        """The latest last-checked date among the changed rule files: when the rules were last changed."""
        dates = [f.last_checked for f in self.files if f.last_checked]
        return max(dates) if dates else None


# --- which open incidents are pending a change --------------------------------------------------------------

def _current(rulebook: Rulebook) -> dict[str, str]:
    return {rule.id: rule.version for rule in rulebook.obligations}


def pending_incidents(user: Any | None = None, rulebook: Rulebook | None = None) -> QuerySet[Incident]:
    """Open incidents (that ``user`` may see; all with None) computed with rule versions other than the files'.

    An obligation is out of date when its (rule, version) is not the current one, unless its rule is gone
    from the files and it asks nothing any more (done, or not required); an incident also is when a current
    rule has no obligation on it (a new rule or regime).
    """
    current = _current(rulebook or default_rulebook())
    # "status IN (the open ones)" walks the status index; "status != closed" read every incident (issue 16).
    opened = (Incident.objects.visible_to(user) if user is not None else Incident.objects.all()).filter(
        status__in=[s for s in Status.values if s != Status.CLOSED])
    return (opened.alias(known_rules=_known(current))
            .filter(Q(known_rules__lt=len(current)) | Exists(_stale(current))).order_by("detected_at", "pk"))


def _known(current: dict[str, str]) -> Subquery:
    """How many current rules the outer incident has an obligation for, per incident from the (incident, rule)
    unique index alone: an incident missing one is pending without reading its rows (issue 16: this test
    decides most pending incidents, and it read every open incident's obligations joined and grouped before)."""
    return Subquery(Obligation.objects.filter(incident=OuterRef("pk"), rule_id__in=current).order_by()
                    .annotate(n=Func(template="COUNT(*)", output_field=IntegerField())).values("n")[:1])


def _stale(current: dict[str, str]) -> QuerySet[Obligation]:
    """The outer incident's obligations computed with another version of a current rule, or still open for a
    rule gone from the files (asked only of incidents that have every current rule)."""
    same = reduce(or_, (Q(rule_id=rule_id, rule_version=version) for rule_id, version in current.items()))
    return Obligation.objects.filter(incident=OuterRef("pk")).filter(
        (Q(rule_id__in=current) & ~same) | (~Q(rule_id__in=current) & Q(status__in=OPEN_STATUSES)))


def is_pending(incident: Incident, rulebook: Rulebook | None = None) -> bool:
    """Whether this one incident is pending a law change (the same test as ``pending_incidents``, on its rows)."""
    if incident.status == Status.CLOSED:
        return False
    current = _current(rulebook or default_rulebook())
    rows = list(incident.obligations.values_list("rule_id", "rule_version", "status"))
    stale = any(current.get(rule_id) != version and (rule_id in current or status in OPEN_STATUSES)
                for rule_id, version, status in rows)
    return stale or bool(set(current) - {rule_id for rule_id, _, _ in rows})


def pending_count(user: Any) -> int:
    """How many open incidents ``user`` may see are pending a law change (the dashboard's banner)."""
    return pending_incidents(user).count()


# --- what re-evaluation would do ----------------------------------------------------------------------------

def _level(incident: Incident, computed: int) -> int:
    """The level ``incidents.services.reassess`` would hold: a person's level stands until the facts pass
    its basis; otherwise a level is never lowered silently. A law change's obligations read this level."""
    if incident.level_override and computed <= (incident.override_basis or 0):
        return incident.level_override
    return max(computed, incident.severity_level or 0)


def reevaluated(incident: Incident, rulebook: Rulebook, now: datetime) -> list[Outcome]:
    """The incident's obligations as re-evaluation with the current rule files would give them; stores nothing."""
    facts = facts_for(incident)
    computed = compute_severity(facts.model_copy(update={"level_override": None}), rulebook).level
    facts = facts.model_copy(update={"level_override": _level(incident, computed)})
    return assess(facts, now=now, rulebook=rulebook, rules=rulebook.obligations).obligations


def _status(status: str) -> str:
    return ObligationStatus.PENDING if status == "overdue" else status


def _kind(row: Obligation | None, new: Outcome | None) -> str:
    was_open = row is not None and row.status != ObligationStatus.NOT_REQUIRED
    is_open = new is not None and new.status != "not_required"
    if was_open != is_open:
        return "appears" if is_open else "disappears"
    if not is_open:
        return "version"
    if (row.due_at, row.legal_latest_at) != (new.due_at, new.legal_latest):
        return "moves"
    return "changes" if (row.status, row.applies) != (_status(new.status), new.applies) else "version"


def _shown(status: str, due: datetime | None, now: datetime) -> str:
    """Overdue is derived, never stored (as ``Obligation.shown_status``): pending and past its due time."""
    return "overdue" if status == ObligationStatus.PENDING and due is not None and due < now else status


def _change(row: Obligation | None, new: Outcome | None, rule: ObligationRule | None,
            now: datetime) -> ClockChange | None:
    same_version = row is not None and new is not None and row.rule_version == new.rule_version
    kind = _kind(row, new)
    if kind == "version" and (same_version or (row is None and new is not None and new.status == "not_required")):
        return None  # nothing a person would see, and the rule version is the same (or a rule that never applied)
    return ClockChange(
        rule_id=(new or row).rule_id, action=(new or row).action, citation=(new or row).citation, kind=kind,
        version_before=row.rule_version if row else "", version_after=new.rule_version if new else "",
        status_before=_shown(row.status, row.due_at, now) if row else "",
        status_after=_shown(_status(new.status), new.due_at, now) if new else "not_required",
        due_before=row.due_at if row else None, due_after=new.due_at if new else None,
        legal_before=row.legal_latest_at if row else None, legal_after=new.legal_latest if new else None,
        our_reading=rule.our_reading if rule else "")


def incident_change(incident: Incident, rulebook: Rulebook, now: datetime) -> IncidentChange:
    """Per rule, what re-evaluating ``incident`` with the current rule files would change."""
    rows = {row.rule_id: row for row in incident.obligations.all()}
    outcomes = {o.rule_id: o for o in reevaluated(incident, rulebook, now)}
    rules = {rule.id: rule for rule in rulebook.obligations}
    result = IncidentChange(incident.reference, incident.title, incident.severity_level)
    for rule_id in sorted(set(rows) | set(outcomes)):
        row, new = rows.get(rule_id), outcomes.get(rule_id)
        if new is None and row is not None and row.status not in OPEN_STATUSES:
            continue  # a rule gone from the files that asks nothing any more
        change = _change(row, new, rules.get(rule_id), now)
        if change is not None:
            result.changes.append(change)
    return result


def _files(incidents_: list[Incident], rulebook: Rulebook) -> list[RuleFile]:
    metas = {name: regime.meta for name, regime in rulebook.regimes.items()}
    earlier: dict[str, set[str]] = {}
    for incident in incidents_:
        for regime, (old, _new) in rule_file_changes(incident.obligations.all(), rulebook.obligations).items():
            earlier.setdefault(regime, set()).add(old or "none")
    return [RuleFile(regime=regime, title=metas[regime].title if regime in metas else regime,
                     version=metas[regime].version if regime in metas else "",
                     last_checked=metas[regime].last_checked if regime in metas else None,
                     computed_with=tuple(sorted(versions)))
            for regime, versions in sorted(earlier.items())]


def preview(user: Any | None = None, *, now: datetime | None = None, rulebook: Rulebook | None = None) -> Preview:
    """Which open incidents (that ``user`` may see) a law change would change, and how; stores nothing."""
    rulebook = rulebook or default_rulebook()
    now = now or timezone.now()
    pending = list(pending_incidents(user, rulebook).prefetch_related("obligations", "tools__tool"))
    return Preview(files=_files(pending, rulebook),
                   incidents=[incident_change(incident, rulebook, now) for incident in pending])


# --- applying it ------------------------------------------------------------------------------------------

def _chosen(references: list[str] | None, by: Any, rulebook: Rulebook) -> list[Incident]:
    """The incidents to apply the change to; refuses (before anything is stored) one that is unknown or closed."""
    pending = pending_incidents(by, rulebook)
    if references is None:
        return list(pending)
    visible = Incident.objects.visible_to(by) if by is not None else Incident.objects.all()
    chosen = []
    for reference in dict.fromkeys(r.strip().upper() for r in references if r.strip()):
        incident = visible.filter(reference=reference).first()
        if incident is None:
            raise NotFound(f"No incident {reference} that you may see")
        if incident.status == Status.CLOSED:
            raise ClosedKeepsItsLaw(f"{reference} {CLOSED_KEEPS_ITS_LAW}; nothing was changed")
        chosen.append(incident)
    if not chosen:
        raise LawChangeRefused("references: name at least one incident (or apply to all pending)")
    return chosen


def apply(*, by: Any, references: list[str] | None = None, now: datetime | None = None) -> list[str]:
    """Re-evaluate the chosen open incidents (``None``: every pending one) with the current rule files.

    One transaction: each incident's obligations and its audit event (who, rule file versions before and
    after, what changed), and the procedure change-log line that opens its review. Returns the references
    re-evaluated. Refused, with nothing stored: a person who may not classify, an unknown or closed incident.
    """
    if by is not None and not can(by, Capability.CLASSIFY):
        raise Forbidden("Only an incident manager or administrator may apply a law change")
    rulebook = default_rulebook()
    now = now or timezone.now()
    chosen = _chosen(references, by, rulebook)
    files = _files(chosen, rulebook)
    with transaction.atomic():
        for incident in chosen:
            incidents.reassess(incident=incident, by=by, now=now, reevaluate=True)
        open_procedure_review(files, by=by)
        law_change_reviews(now, by=by)  # the review task of the procedure, if a law that applies changed
    return [incident.reference for incident in chosen]


def review_line(file: RuleFile, earlier: str) -> str:
    """The procedure change-log line for one rule file's change (it names no incident: the log is shared)."""
    to = f"version {file.version} (checked {file.last_checked})" if file.version else "nothing (removed)"
    what = (f"was added, {to}," if earlier == "none" else f"changed from version {earlier} to {to}")
    return (f"Rule file \"{file.title}\" {what} and was applied to open incidents: review the procedure's legal "
            "sections (who must be notified, and by when).")


def open_procedure_review(files: list[RuleFile], *, by: Any) -> list[DocumentChange]:
    """Write, once per rule file change, a procedure change-log line that stays open until the procedure is
    reviewed (the organisation's procedure review date on or after the line's date)."""
    written = []
    today = timezone.localdate(timezone=ZoneInfo(Organisation.current().time_zone))
    for file in files:
        for earlier in file.computed_with:
            summary = review_line(file, earlier)
            if DocumentChange.objects.filter(document=Target.PROCEDURE, lesson=None, summary=summary).exists():
                continue
            change = DocumentChange.objects.create(document=Target.PROCEDURE, changed_on=today, summary=summary,
                                                   recorded_by=audit.actor_name(by))
            audit.record(action="document.changed", object_type="documentchange", object_id=change.pk, by=by,
                         after=audit.snapshot(change), summary="Law change: the procedure's legal sections to review")
            written.append(change)
    return written


def review_open(change: DocumentChange, reviewed_on: date | None) -> bool:
    """A procedure change-log line is open until the procedure's review date is on or after its date."""
    return change.document == Target.PROCEDURE and (reviewed_on is None or reviewed_on < change.changed_on)


def open_reviews(user: Any) -> list[DocumentChange]:
    """Procedure change-log lines (that ``user`` may see) written after the procedure was last reviewed."""
    reviewed_on = procedure_reviewed_on()
    lines = DocumentChange.objects.visible_to(user).filter(document=Target.PROCEDURE)
    if reviewed_on is not None:
        lines = lines.filter(changed_on__gt=reviewed_on)
    return list(lines)
