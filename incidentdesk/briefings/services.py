"""Briefings and training: record who was briefed or trained, who has access to which tool, and who is not yet
briefed on the current procedure though a tool they use requires it (procedure §9). Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.governance.current import procedure_in_force
from incidentdesk.incidents.policy import hidden_references
from incidentdesk.inventory.models import AITool
from incidentdesk.procedure.references import procedure
from incidentdesk.refusals import Conflict, Forbidden, Refused
from incidentdesk.times import local

from .models import Briefing, BriefingKind, BriefingTask, ToolAccess


class BriefingRefused(Refused):
    """The record was not made; nothing changed."""


def current_version() -> str:
    """The procedure version people must be briefed on: the number of the incident procedure in force in the
    document register (governance), one truth with "handled under" on each incident. Until the organisation has
    a procedure in force there, it is the built-in seed procedure's label (``procedure.toml``)."""
    version = procedure_in_force()
    return str(version.number) if version is not None else procedure().version


def _check_person(name: str, email: str) -> tuple[str, str]:
    name, email = " ".join((name or "").split()), (email or "").strip()
    if not name:
        raise BriefingRefused("person_name: say who (a name)")
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise BriefingRefused(f"person_email: {email!r} is not an e-mail address") from exc
    return name, email


def _may_manage(by: Any) -> None:
    if not can(by, Capability.MANAGE_INVENTORY):
        raise Forbidden("Your role does not allow recording briefings or tool access.")


def record_briefing(*, person_name: str, given_on: date, given_by: str, by: Any, person_email: str = "",
                    kind: str = BriefingKind.PROCEDURE, procedure_version: str = "", subject: str = "",
                    task: BriefingTask | None = None, now: datetime | None = None) -> Briefing:
    """Record a briefing on the procedure (its version, default: the current one) or a training (its subject).

    Naming a briefing task completes it: the lesson that asked for it has been acted on.
    """
    _may_manage(by)
    now = now or timezone.now()
    person_name, person_email = _check_person(person_name, person_email)
    given_by, procedure_version, subject = (given_by or "").strip(), (procedure_version or "").strip(), \
        (subject or "").strip()
    if kind not in BriefingKind.values:
        raise BriefingRefused(f"kind: choose {' or '.join(BriefingKind.values)}")
    if given_on > local(now).date():
        raise BriefingRefused(f"given_on: {given_on} is in the future; record a briefing once it was given")
    if not given_by:
        raise BriefingRefused("given_by: say who gave it")
    if kind == BriefingKind.PROCEDURE:
        procedure_version = procedure_version or current_version()
    elif not subject:
        raise BriefingRefused("subject: say what the training covered")
    if task is not None and task.done_at is not None:
        raise Conflict("That briefing task is already done.")
    with transaction.atomic():
        briefing = Briefing.objects.create(
            person_name=person_name, person_email=person_email, kind=kind, procedure_version=procedure_version,
            subject=subject, given_on=given_on, given_by=given_by, task=task,
            recorded_by_name=audit.actor_name(by), recorded_at=now)
        audit.record(action="briefing.recorded", object_type="briefing", object_id=briefing.pk, by=by,
                     incident_ref=task.incident_ref if task else "", after=audit.snapshot(briefing),
                     summary=f"{briefing.get_kind_display()} of {person_name} recorded")
        if task is not None:
            task.done_at = now
            task.save(update_fields=["done_at"])
            audit.record(action="briefing_task.done", object_type="briefingtask", object_id=task.pk, by=by,
                         incident_ref=task.incident_ref, after={"briefing": briefing.pk})
    return briefing


def grant_access(*, tool: AITool, person_name: str, since: date, by: Any, person_email: str = "") -> ToolAccess:
    """Record that a person (staff, contractor, successor) has access to a tool."""
    _may_manage(by)
    person_name, person_email = _check_person(person_name, person_email)
    with transaction.atomic():
        access = ToolAccess.objects.create(tool=tool, person_name=person_name, person_email=person_email,
                                           since=since, recorded_by_name=audit.actor_name(by))
        audit.record(action="tool_access.granted", object_type="toolaccess", object_id=access.pk, by=by,
                     after=audit.snapshot(access), summary=f"{person_name} has access to {tool.name}")
    return access


def end_access(*, access: ToolAccess, on: date, by: Any) -> ToolAccess:
    _may_manage(by)
    if access.ended_on is not None:
        raise Conflict(f"{access.person_name}'s access to {access.tool.name} already ended on {access.ended_on}.")
    with transaction.atomic():
        access.ended_on = on
        access.save(update_fields=["ended_on"])
        audit.record(action="tool_access.ended", object_type="toolaccess", object_id=access.pk, by=by,
                     after={"ended_on": on}, summary=f"{access.person_name}'s access to {access.tool.name} ended")
    return access


@dataclass(frozen=True)
class Unbriefed:
    """A person with access to tools that require a briefing, not briefed on the current procedure version."""

    name: str
    email: str
    tools: list[str]
    last_version: str  # the latest version they were briefed on, or ""


def unbriefed(day: date) -> list[Unbriefed]:
    """Everyone with access on ``day`` to a tool that requires a briefing, without the current version's."""
    version = current_version()
    briefed: dict[str, list[str]] = {}
    for b in Briefing.objects.filter(kind=BriefingKind.PROCEDURE).order_by("given_on", "pk"):
        briefed.setdefault(b.key, []).append(b.procedure_version)
    people: dict[str, tuple[ToolAccess, list[str]]] = {}
    grants = ToolAccess.objects.filter(tool__briefing_required=True, since__lte=day).filter(
        models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day)).select_related("tool")
    for grant in grants:
        if version in briefed.get(grant.key, []):
            continue
        people.setdefault(grant.key, (grant, []))[1].append(grant.tool.name)
    return [Unbriefed(g.person_name, g.person_email, sorted(set(tools)), (briefed.get(key) or [""])[-1])
            for key, (g, tools) in sorted(people.items())]


def tasks_for(user: Any) -> models.QuerySet[BriefingTask]:
    """Briefing tasks this person may see: those of incidents hidden from them are left out."""
    hidden = hidden_references(user)
    return BriefingTask.objects.exclude(incident_ref__in=hidden) if hidden else BriefingTask.objects.all()


def task_from_lesson(lesson: Any, now: datetime | None = None) -> BriefingTask | None:
    """An accepted lesson aimed at training becomes a briefing task for the incident's owner (else its proposer).

    Called in the transaction that accepts the lesson, so the task exists if and only if the acceptance does.
    """
    if BriefingTask.objects.filter(lesson=lesson).exists():
        return None
    incident = lesson.incident
    assignee = getattr(incident, "owner", None) or lesson.proposed_by
    task = BriefingTask.objects.create(lesson=lesson, incident_ref=incident.reference, what=lesson.text,
                                       assignee=assignee, created_at=now or timezone.now())
    audit.record(action="briefing_task.created", object_type="briefingtask", object_id=task.pk, by=None,
                 incident_ref=incident.audit_incident_ref,
                 after={"lesson": lesson.pk, "assignee": audit.actor_name(assignee) if assignee else ""},
                 summary=f"Lesson of {incident.reference} accepted for training: a briefing task")
    return task
