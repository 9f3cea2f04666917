"""Informing the people affected by a personal data breach (GDPR Art 34), person by person or group by group.

The Art 34 obligation says *that* the data subjects must be told; this record says *who* was told, when,
how and by whom, so the organisation can show a supervisory authority that everyone affected was reached
(and the breach register can say how many of the people affected that is). Refusals are sentences for a
person, not field names; nothing is stored when one is raised.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk import times
from incidentdesk.assessment.facts import FUTURE_SKEW
from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Refused

from .models import BreachAssessment, SubjectChannel, SubjectCommunication

#: A typing error, not a breach size; also below the largest number the database column holds on PostgreSQL.
MAX_PEOPLE = 2_000_000_000


class CommunicationRefused(Refused):
    """The record of informing people cannot be stored as given; nothing was stored. ``field`` names the form
    field the refusal is about, so the page shows it next to what was typed."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _number(n: int) -> str:
    return f"{n:,}"


def _check_people(incident: Incident, people: int | None) -> None:
    """The number informed: at least 1, not absurdly large, and with what is already recorded never more than
    the people affected (when known): an informed count above it would make the register claim the impossible."""
    if people is None:
        return
    if people < 1:
        raise CommunicationRefused("The number of people informed must be at least 1 (leave it empty if unknown)",
                                   field="people")
    if people > MAX_PEOPLE:
        raise CommunicationRefused(f"The number of people informed ({_number(people)}) is too large: at most "
                                   f"{_number(MAX_PEOPLE)}; leave it empty if you do not know", field="people")
    affected = ((incident.facts or {}).get("personal_data") or {}).get("data_subjects")
    if not isinstance(affected, int) or isinstance(affected, bool):
        return
    already = sum(SubjectCommunication.objects.filter(incident=incident).values_list("people", flat=True)
                  .exclude(people=None))
    if already + people > affected:
        so_far = f" ({_number(already)} already recorded, so {_number(already + people)} in all)" if already else ""
        raise CommunicationRefused(
            f"{_number(affected)} people are affected; you recorded {_number(people)} as informed{so_far}. "
            "Correct the number, or first correct the number of people affected in the incident's facts",
            field="people")


def _check(incident: Incident, *, recipients: str, people: int | None, channel: str, informed_at: datetime,
           informed_by: str, now: datetime) -> None:
    if not BreachAssessment.objects.filter(incident=incident).exists():
        raise CommunicationRefused(f"{incident.reference} is not recorded as a personal data breach: record its "
                                   "personal data facts first, then who was informed")
    if not recipients.strip():
        raise CommunicationRefused("Say who was informed: a person or a group, e.g. \u201cthe 120 applicants\u201d")
    if len(recipients.strip()) > 300:
        raise CommunicationRefused("Who was informed: keep it under 300 characters and put details in the note")
    if channel not in SubjectChannel.values:
        raise CommunicationRefused("Choose how they were informed: " + ", ".join(str(c.label).lower()
                                                                               for c in SubjectChannel))
    if informed_at is None or informed_at.tzinfo is None:
        raise CommunicationRefused("Give the date and time they were informed, with its time zone")
    if informed_at > now + FUTURE_SKEW:
        raise CommunicationRefused(f"The time they were informed ({times.with_utc(informed_at)}) is in the future")
    if informed_at < incident.detected_at:
        raise CommunicationRefused(f"The time they were informed ({times.with_utc(informed_at)}) is before the "
                                   f"incident was detected ({times.with_utc(incident.detected_at)})")
    if not informed_by.strip():
        raise CommunicationRefused("Say who informed them")
    if len(informed_by.strip()) > 150:
        raise CommunicationRefused("Who informed them: keep it under 150 characters")
    _check_people(incident, people)


def record_communication(*, incident: Incident, recipients: str, channel: str, informed_at: datetime,
                         informed_by: str, by: Any, people: int | None = None, note: str = "",
                         now: datetime | None = None) -> SubjectCommunication:
    """Store that a person or group affected was informed, with its audit event, in one transaction."""
    ensure_open(incident)
    now = now or timezone.now()
    _check(incident, recipients=recipients, people=people, channel=channel, informed_at=informed_at,
           informed_by=informed_by, now=now)
    with transaction.atomic():
        row = SubjectCommunication.objects.create(
            incident=incident, recipients=recipients.strip(), people=people, channel=channel,
            informed_at=informed_at, informed_by=informed_by.strip(), note=note.strip(),
            recorded_by=by if getattr(by, "pk", None) else None)
        audit.record(action="breach.subjects_informed", object_type="subjectcommunication", object_id=row.pk,
                     by=by, incident_ref=incident.reference, after=audit.snapshot(row),
                     summary=f"Recorded who was informed: {row.recipients} ({row.get_channel_display().lower()})")
    return row

