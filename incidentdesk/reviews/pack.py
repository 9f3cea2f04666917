"""The management review pack's figures (ISO/IEC 42001 clause 9.3), for one period and one reader.

Every figure that the dashboard also shows comes from the dashboard's own functions
(``incidentdesk/dashboard/services.py``), over the incidents this person may see (``visible_to``), so the pack
and the dashboard cannot disagree. Figures about the period count what happened in it (incidents detected,
deadlines met, lessons accepted); figures about risk describe the state on the day the pack is generated
(what is open, overdue or out of date now), because that is what management decides on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from incidentdesk.capa.models import ActionStatus, CorrectiveAction
from incidentdesk.contacts.models import Contact
from incidentdesk.dashboard import services as dashboard
from incidentdesk.dashboard.period import Period, last_twelve_months
from incidentdesk.incidents.models import Incident, Status
from incidentdesk.lessons.models import DocumentChange, Lesson, LessonStatus
from incidentdesk.obligations import lawchange
from incidentdesk.obligations.models import Obligation
from incidentdesk.organisation.models import Organisation

from . import decisions, exercises
from .decisions import Decision
from .exercises import ExerciseHeld
from .last import procedure_reviewed_on
from .models import DocumentReview, ReviewStatus

SERIOUS = 3  # levels 3 (major) and 4 (serious) are the open risks management hears about by name

UNSETTLED = (ActionStatus.OPEN, ActionStatus.IMPLEMENTED, ActionStatus.NOT_EFFECTIVE)


@dataclass(frozen=True)
class Actions:
    """Corrective and preventive actions (ISO/IEC 42001 clause 10.2)."""

    planned_in_period: int
    open_now: int
    overdue_now: int
    not_effective_now: int
    verified_in_period: int


@dataclass(frozen=True)
class LessonLine:
    """An accepted lesson (the changes it made are among the period's ``ChangeLine``)."""

    incident_ref: str
    document: str
    text: str
    accepted_on: date | None


@dataclass(frozen=True)
class ChangeLine:
    """One dated change to the policy, the inventory, the procedure or training."""

    changed_on: date
    document: str
    summary: str
    incident_ref: str
    tracked_in: int | None = None  # the number of the document's draft version that carries it


@dataclass
class Pack:
    organisation: str
    period: Period
    generated_at: datetime
    incidents: int
    by_level: dict[int, int]
    by_category: dict[str, int]
    by_tool: list[tuple[str, int]]
    per_month: dict[str, dict[str, int]]
    compliance: dict[str, Any]
    time_to_contain: list[timedelta]
    time_to_classify: list[timedelta]
    time_to_notify: list[timedelta]
    actions: Actions
    lessons: list[LessonLine]
    changes: list[ChangeLine]
    exercises: list[ExerciseHeld]
    reviews: Reviews
    open_serious: list[Incident]
    overdue_clocks: list[Obligation]
    stale_contacts: list[Contact]
    law_change_pending: int
    procedure_reviewed_on: date | None
    last_exercise_on: date | None
    decisions: list[Decision] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.generated_at.astimezone(self.period.tz).date()

    def figures(self) -> dict[str, int]:
        """The figures the decisions read (decisions.toml names them)."""
        year_ago = self.today - timedelta(days=365)
        return {
            "overdue_clocks": len(self.overdue_clocks), "open_serious": len(self.open_serious),
            "overdue_actions": self.actions.overdue_now, "not_effective_actions": self.actions.not_effective_now,
            "late_deadlines": self.compliance["late"], "stale_contacts": len(self.stale_contacts),
            "no_exercise": int(self.last_exercise_on is None or self.last_exercise_on < year_ago),
            "procedure_review_due": int(self.procedure_reviewed_on is None or self.procedure_reviewed_on < year_ago),
            "law_change_pending": self.law_change_pending, "overdue_reviews": self.reviews.overdue_now,
        }


def _actions(user: Any, period: Period, today: date) -> Actions:
    visible = CorrectiveAction.objects.visible_to(user).filter(incident__in=Incident.objects.visible_to(user).real())
    return Actions(
        planned_in_period=visible.filter(created_at__gte=period.start, created_at__lt=period.end).count(),
        open_now=visible.filter(status__in=UNSETTLED).count(),
        overdue_now=dashboard.overdue_actions(user, today).count(),
        not_effective_now=visible.filter(status=ActionStatus.NOT_EFFECTIVE).count(),
        verified_in_period=visible.filter(status=ActionStatus.EFFECTIVE, verified_at__gte=period.start,
                                          verified_at__lt=period.end).count())


def _lessons(user: Any, period: Period) -> list[LessonLine]:
    accepted = (Lesson.objects.visible_to(user).real()
                .filter(status=LessonStatus.ACCEPTED, decided_at__gte=period.start, decided_at__lt=period.end)
                .select_related("incident").order_by("decided_at", "pk"))
    return [LessonLine(lesson.incident.reference, lesson.get_target_display(), lesson.text,
                       timezone.localtime(lesson.decided_at, period.tz).date() if lesson.decided_at else None)
            for lesson in accepted]


def _changes(user: Any, period: Period) -> list[ChangeLine]:
    lines = (DocumentChange.objects.visible_to(user).filter(changed_on__gte=period.first, changed_on__lte=period.last)
             .select_related("lesson__incident", "version").order_by("changed_on", "pk"))
    return [ChangeLine(line.changed_on, line.get_document_display(), line.summary,
                       line.lesson.incident.reference if line.lesson else "",
                       line.version.number if line.version else None) for line in lines]


@dataclass(frozen=True)
class Reviews:
    """Reviews of the governance documents: done in the period, open and overdue today."""

    done_in_period: int
    open_now: int
    overdue_now: int


def _reviews(user: Any, period: Period, today: date) -> Reviews:
    rows = DocumentReview.objects.visible_to(user)
    return Reviews(
        done_in_period=rows.exclude(status=ReviewStatus.OPEN).filter(completed_at__gte=period.start,
                                                                    completed_at__lt=period.end).count(),
        open_now=rows.filter(status=ReviewStatus.OPEN).count(),
        overdue_now=rows.filter(status=ReviewStatus.OPEN, due_on__lt=today).count())


def build(*, user: Any, period: Period | None = None, now: datetime | None = None) -> Pack:
    """The pack's figures for ``period`` (default: the last twelve months), over what ``user`` may see."""
    now = now or timezone.now()
    period = period or last_twelve_months(now)
    today = now.astimezone(period.tz).date()
    incidents = dashboard.incidents_in(user, period)
    open_serious = (Incident.objects.visible_to(user).real().exclude(status=Status.CLOSED)
                    .filter(Q(severity_level__gte=SERIOUS)).order_by("-severity_level", "detected_at"))
    pack = Pack(
        organisation=Organisation.current().name, period=period, generated_at=now,
        incidents=incidents.count(), by_level=dashboard.by_level(incidents),
        by_category=dashboard.by_category(incidents), by_tool=dashboard.per_tool(incidents, user, limit=None),
        per_month=dashboard.per_month(incidents, now, period=period),
        compliance=dashboard.compliance(Obligation.objects.visible_to(user).filter(incident__in=incidents)),
        time_to_contain=dashboard.times_to_contain(incidents, user),
        time_to_classify=dashboard.times_to_classify(incidents),
        time_to_notify=dashboard.times_to_notify(incidents, user),
        actions=_actions(user, period, today), lessons=_lessons(user, period), changes=_changes(user, period),
        exercises=exercises.held(period.first, period.last), reviews=_reviews(user, period, today),
        open_serious=list(open_serious),
        overdue_clocks=list(dashboard.overdue_clocks(user, now)),
        stale_contacts=[c for c in Contact.objects.order_by("kind", "name") if c.stale(today)],
        law_change_pending=lawchange.pending_count(user), procedure_reviewed_on=procedure_reviewed_on(),
        last_exercise_on=exercises.last_held(today))
    pack.decisions = decisions.asked(pack.figures())
    return pack
