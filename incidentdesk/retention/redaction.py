"""Minimisation (seed §8: "personal data in the register is limited to what is necessary"): redact a passage.

A person names a passage (a name, an e-mail address, a phone number, a sentence) and why; every occurrence in
the incident's free texts (``texts.SOURCES``) is replaced by ``[redacted]``. The original text is kept only as
its SHA-256 in the audit event, never as text, so the event can prove what the field held for someone who has
the original (a copy sent to the authority) without keeping it. The event is sealed like any other, so the
audit chain still verifies. A legal hold keeps the texts as they are: no redaction while one is in force.
Events written before the redaction keep what they recorded then (the chain is
append-only): docs/security.md says so.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Conflict, Forbidden, Refused

from .services import active_hold
from .texts import texts_of

MARK = "[redacted]"
#: Shorter passages would hit parts of ordinary words ("an", "Jo"): say the whole name.
SHORTEST = 3


class RedactionRefused(Refused):
    """The redaction was not made; nothing changed."""


@dataclass(frozen=True)
class Redacted:
    kind: str
    label: str
    occurrences: int


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _pattern(passage: str) -> re.Pattern[str]:
    return re.compile(re.escape(passage), re.IGNORECASE)


def redact(*, incident: Incident, passage: str, reason: str, by: Any) -> list[Redacted]:
    """Replace every occurrence of ``passage`` (ignoring case) in the incident's free texts, audited per field."""
    if not can(by, Capability.RETAIN):
        raise Forbidden("Your role does not allow redacting text.")
    passage = passage.strip()
    if len(passage) < SHORTEST:
        raise RedactionRefused(f"passage: give the exact words to redact, at least {SHORTEST} characters")
    if not reason.strip():
        raise RedactionRefused("reason: say why the text is redacted (for example: not necessary for the record)")
    pattern = _pattern(passage)
    done: list[Redacted] = []
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).first()  # a hold placed now waits for us
        hold = active_hold(incident)
        if hold is not None:
            raise RedactionRefused(f"{incident.reference} is under a legal hold (placed by {hold.placed_by_name}: "
                                   f"{hold.reason}); its texts cannot be changed until the hold is released.")
        for source, row, field, label, text in list(texts_of(incident)):
            new, count = pattern.subn(MARK, text)
            if not count:
                continue
            type(row).objects.filter(pk=row.pk).update(**{field: new})
            audit.record(action="text.redacted", object_type=type(row)._meta.model_name, object_id=row.pk, by=by,
                         incident_ref=incident.audit_incident_ref,
                         before={"field": field, "sha256": sha256(text)},
                         after={"field": field, "sha256": sha256(new), "occurrences": count,
                                "reason": reason.strip()},
                         summary=f"{source.kind} of {incident.reference}: {count} passage(s) of "
                                 f"“{label}” redacted")
            done.append(Redacted(source.kind, label, count))
        if not done:
            raise Conflict(f"The passage does not appear in {incident.reference}'s texts; nothing was redacted.")
    return done
