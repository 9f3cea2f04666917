"""Tags, links and merges between incidents. Every change is audited in its own transaction.

Merging keeps everything: the duplicate stays in the register, closed (so locked, ``incidents.lock``),
marked "merged into INC-…", its evidence, notes and history reachable from both workspaces. Before that,
its open clocks are settled by hand with the reason "merged into …", because its obligations are now met
on the incident it joined. What makes a merge unsafe is refused with the reason (decisions 13x):

- a notification was already sent under the duplicate's id: the authority or person holds that id, and the
  record they hold must stay a live incident (link the two as "duplicate of" instead, and follow both);
- the duplicate was detected before the other: its clocks started earlier, so merge the later into the
  earlier one, whose deadlines then run from the first awareness;
- the duplicate is restricted and the other is not: people who may not see it would be pointed to it;
- either is closed, the duplicate is already merged, or the other was itself merged into a third;
- one is an exercise and the other a real incident (decision 191).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident, Status
from incidentdesk.notifications.models import Notification
from incidentdesk.obligations import services as obligations
from incidentdesk.obligations.models import Obligation, ObligationStatus
from incidentdesk.refusals import Conflict, Refused

from .models import IncidentLink, IncidentTag, LinkKind

_TAG = re.compile(r"^[a-z0-9][a-z0-9 _.-]{0,39}$")


class LinkRefused(Refused):
    """The tag or link is not possible as asked; nothing changed."""


class MergeRefused(Conflict):
    """Merging these two incidents is not safe now; the message says why. Nothing changed."""


def _tag_name(text: str) -> str:
    name = " ".join((text or "").split()).lower()
    if not _TAG.match(name):
        raise LinkRefused("tag: one to forty letters, digits, spaces, dots, dashes or underscores, e.g. "
                          "\"phishing\" or \"vendor-x\"")
    return name


def add_tag(*, incident: Incident, name: str, by: Any, now: datetime | None = None) -> IncidentTag:
    """File the incident under a tag (lower case); adding a tag it has already is refused, not repeated."""
    name = _tag_name(name)
    ensure_open(incident)
    try:
        with transaction.atomic():
            tag = IncidentTag.objects.create(incident=incident, name=name, added_by=_person(by),
                                             added_at=now or timezone.now())
            audit.record(action="incident.tagged", object_type="incident", object_id=incident.pk, by=by,
                         incident_ref=incident.reference, after={"tag": name})
    except IntegrityError as exc:
        raise LinkRefused(f"{incident.reference} is already tagged \"{name}\"") from exc
    return tag


def remove_tag(*, incident: Incident, name: str, by: Any) -> bool:
    """Remove a tag; False (and no event) when the incident does not have it: asking twice is harmless."""
    name = " ".join((name or "").split()).lower()
    ensure_open(incident)
    with transaction.atomic():
        deleted, _ = IncidentTag.objects.filter(incident=incident, name=name).delete()
        if deleted:
            audit.record(action="incident.untagged", object_type="incident", object_id=incident.pk, by=by,
                         incident_ref=incident.reference, before={"tag": name})
    return bool(deleted)


def _person(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def link(*, source: Incident, target: Incident, kind: str, by: Any, note: str = "",
         now: datetime | None = None) -> IncidentLink:
    """Say that ``source`` is a duplicate of, or related to, ``target``; shown on both workspaces."""
    if kind not in LinkKind.values:
        raise LinkRefused(f"kind: one of {', '.join(LinkKind.values)}")
    if source.pk == target.pk:
        raise LinkRefused("an incident cannot be linked to itself")
    if IncidentLink.objects.filter(source__in=[source, target], target__in=[source, target]).exists():
        raise LinkRefused(f"{source.reference} and {target.reference} are already linked")
    if kind == LinkKind.DUPLICATE and source.is_exercise != target.is_exercise:
        raise LinkRefused(_across_exercise(source, target, "a duplicate of"))
    try:
        with transaction.atomic():
            row = IncidentLink.objects.create(source=source, target=target, kind=kind, note=note.strip(),
                                              by=_person(by), at=now or timezone.now())
            _audit_link("incident.linked", row, by)
    except IntegrityError as exc:
        raise LinkRefused(f"{source.reference} and {target.reference} are already linked") from exc
    return row


def _audit_link(action: str, row: IncidentLink, by: Any, before: dict | None = None) -> None:
    """One event under each incident, so each one's history tells it."""
    words = {"kind": row.get_kind_display(), "other": row.target.reference, "merged": row.merged}
    for incident, other in ((row.source, row.target), (row.target, row.source)):
        audit.record(action=action, object_type="incidentlink", object_id=row.pk, by=by,
                     incident_ref=incident.reference, before=before, after=words | {"other": other.reference})


def unlink(*, source: Incident, target: Incident, by: Any) -> bool:
    """Remove a link (False when there is none: asking twice is harmless); a merge cannot be undone this way
    (reopen the duplicate and link again)."""
    row = IncidentLink.objects.filter(source__in=[source, target], target__in=[source, target]).first()
    if row is None:
        return False
    if row.merged:
        raise LinkRefused(f"{row.source.reference} was merged into {row.target.reference}: a merge stays on the "
                          "record; reopen the duplicate if it must be followed on its own")
    with transaction.atomic():
        _audit_link("incident.unlinked", row, by, before={"kind": row.kind})
        row.delete()
    return True


def _across_exercise(source: Incident, target: Incident, what: str) -> str:
    """Why a real incident and an exercise cannot be one (decision 191): the rehearsal would swallow a real
    report, or a real record would carry a rehearsal's facts and clocks."""
    exercise, real = (source, target) if source.is_exercise else (target, source)
    return (f"{exercise.reference} is an exercise and {real.reference} is a real incident: neither can be "
            f"{what} the other; follow the real incident on its own")


def merge_problems(duplicate: Incident, into: Incident) -> list[str]:
    """Why merging ``duplicate`` into ``into`` is not safe, in words; empty when it is."""
    dup, other = duplicate.reference, into.reference
    if duplicate.pk == into.pk:
        return ["an incident cannot be merged into itself"]
    problems = []
    if duplicate.is_exercise != into.is_exercise:
        problems.append(_across_exercise(duplicate, into, "merged into"))
    merged = IncidentLink.objects.filter(merged=True, source__in=[duplicate, into]).select_related("target")
    for row in merged:
        problems.append(f"{row.source.reference} was already merged into {row.target.reference}")
    for incident in (duplicate, into):
        if incident.status == Status.CLOSED:
            problems.append(f"{incident.reference} is closed; reopen it first")
    if Notification.objects.filter(incident=duplicate).exists():
        problems.append(f"a notification was already sent under {dup}: whoever received it holds that id, so it "
                        f"stays a live incident; link it to {other} as a duplicate instead and follow both")
    if duplicate.detected_at < into.detected_at:
        problems.append(f"{dup} was detected before {other}, so its clocks started earlier: merge {other} into "
                        f"{dup} instead, so the deadlines run from the first awareness")
    if duplicate.restricted and not into.restricted:
        problems.append(f"{dup} is restricted and {other} is not: people who may not see {dup} would be pointed "
                        f"to it; restrict {other} first, or link them instead")
    return problems


def merge(*, duplicate: Incident, into: Incident, by: Any, reason: str = "",
          now: datetime | None = None) -> IncidentLink:
    """Merge ``duplicate`` into ``into``: link, settle the duplicate's open clocks, close it. Nothing deleted.

    Both incidents are locked (in id order, so two people merging at once cannot deadlock) and re-read before
    anything is checked: two merges of the same duplicate, or A into B while B goes into A, end with one
    merge and one refusal.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = {i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk])
                  .order_by("pk")}
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        problems = merge_problems(duplicate, into)
        if problems:
            raise MergeRefused(f"cannot merge {duplicate.reference} into {into.reference}: " + "; ".join(problems))
        row = IncidentLink.objects.filter(source=duplicate, target=into).first()
        IncidentLink.objects.filter(source__in=[duplicate, into], target__in=[duplicate, into]).delete()
        row = IncidentLink.objects.create(source=duplicate, target=into, kind=LinkKind.DUPLICATE, merged=True,
                                          note=reason or (row.note if row else ""), by=_person(by), at=now)
        why = _merged_reason(into) + (f" ({reason})" if reason else "")
        for clock in Obligation.objects.filter(incident=duplicate, status=ObligationStatus.PENDING):
            obligations.settle(obligation=clock, reason=why, by=by, at=now, now=now)
        before = duplicate.status
        Incident.objects.filter(pk=duplicate.pk).update(status=Status.CLOSED, updated_at=now)
        _audit_link("incident.merged", row, by)
        audit.record(action="incident.transition", object_type="incident", object_id=duplicate.pk, by=by,
                     incident_ref=duplicate.reference, before={"status": before},
                     after={"status": Status.CLOSED, "reason": why})
    duplicate.refresh_from_db()
    return row


def _merged_reason(into: Incident) -> str:
    """The duplicate's clocks are settled with this reason, which everyone who sees the duplicate reads (its
    workspace, its report): a restricted incident is not named there, the merge link (which the access
    policy filters) names it to those who may see it (decision 195)."""
    where = "a restricted incident" if into.restricted else into.reference
    return f"Merged into {where}: its obligations are met there"


def merged_into(incident: Incident) -> IncidentLink | None:
    return IncidentLink.objects.filter(source=incident, merged=True).select_related("target").first()
