"""Subject-access search (GDPR Art 15): every register entry that mentions a given person.

A name or an e-mail address is looked for in every free text of every incident the searcher may see
(``texts.SOURCES``, through the access policy), and in the evidence files' names. Each search is an audit event
naming who searched and what for, as the SHA-256 of the normalised term (spaces collapsed, case folded) and its
length: looking people up must itself be accountable, but the sealed log must not keep the person's name forever.
Whoever has the name can prove it was the one searched for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Forbidden, Refused

from .texts import SOURCES

SHORTEST = 3


class SearchRefused(Refused):
    """The search was not run."""


@dataclass
class Mention:
    incident: Incident
    places: list[str] = field(default_factory=list)  # "Containment action: What was done", ...


def _matching_ids(term: str, visible: QuerySet) -> dict[int, list[str]]:
    """Incident id → where the term was found, for the incidents in ``visible`` (a subquery, never a list)."""
    found: dict[int, list[str]] = {}
    lookups = [(apps.get_model(s.model), s.incident_path, name, f"{s.kind}: {label}" if s.incident_path else label)
               for s in SOURCES for name, label in s.fields]
    lookups.append((apps.get_model("evidence", "Evidence"), "incident", "original_name", "Evidence file name"))
    for model, path, name, place in lookups:
        key = f"{path}_id" if path else "pk"
        rows = model.objects.filter(**{f"{name}__icontains": term, f"{path or 'pk'}__in": visible})
        for pk in rows.values_list(key, flat=True).distinct():
            if place not in found.setdefault(pk, []):
                found[pk].append(place)
    return found


def search(*, term: str, by: Any) -> list[Mention]:
    """The incidents ``by`` may see that mention ``term`` anywhere in their texts, oldest first; audited."""
    if not can(by, Capability.RETAIN):
        raise Forbidden("Your role does not allow a subject-access search.")
    term = " ".join(term.split())
    if len(term) < SHORTEST:
        raise SearchRefused(f"person: give a name or an e-mail address of at least {SHORTEST} characters")
    found = _matching_ids(term, Incident.objects.visible_to(by).values("pk"))
    incidents = Incident.objects.filter(pk__in=found).order_by("year", "number")
    audit.record(action="subject_access.searched", object_type="register", object_id="subject-access", by=by,
                 after={"person_sha256": hashlib.sha256(term.casefold().encode()).hexdigest(),
                        "person_length": len(term), "found": len(found)},
                 summary=f"Subject-access search: {len(found)} incident(s) mention the person searched for")
    return [Mention(i, found[i.pk]) for i in incidents]


def queryset(mentions: list[Mention]):
    """The incidents found, as the register's export machinery reads them."""
    return Incident.objects.filter(pk__in=[m.incident.pk for m in mentions]).order_by("year", "number")


