"""The audit log in words: each event's before/after as a list of changes a person can read.

The sealed record stays the canonical JSON (``AuditEvent.data``); this only reads it. Facts are named by the
vocabulary's labels (``assessment.vocabulary``), columns by their model's field labels, obligations by what
they ask for ("Notify the supervisory authority (GDPR Art 33(1))"), answers by their choice labels, times in
the organisation's time zone. Nothing here is stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from incidentdesk import times
from incidentdesk.assessment import vocabulary
from incidentdesk.assessment.rulebook import default_rulebook

#: Bookkeeping columns that say nothing to a reader (ids, row stamps).
SKIPPED = {"id", "created_at", "updated_at", "created_by", "recorded_by", "incident", "year", "number", "applies",
           "rule_version"}
#: What each kind of event did, in words; an action not listed reads as its words ("tool created").
ACTIONS = {
    "incident.created": "Recorded the incident", "incident.updated": "Changed the incident",
    "incident.severity": "Severity (re)computed", "incident.classified.definitive": "Classified definitively",
    "incident.transition": "Moved the incident", "incident.reopened": "Reopened the incident",
    "incident.access": "Changed who may see the incident", "incident.tagged": "Tagged the incident",
    "incident.untagged": "Removed a tag", "incident.linked": "Linked incidents",
    "incident.unlinked": "Removed a link between incidents", "incident.merged": "Merged a duplicate incident",
    "obligations.created": "Clocks started", "obligations.recomputed": "Clocks recomputed",
    "obligation.completed": "Obligation met", "obligation.settled": "Obligation settled by hand",
    "containment.added": "Containment action recorded", "breach.recommendation": "GDPR recommendation computed",
    "report.received": "Report received through the public channel", "triage.promoted": "Promoted to an incident",
    "triage.dismissed": "Dismissed from triage", "triage.added_to_incident": "Report added to an incident",
    "person.role": "Changed a person's role", "export.created": "Exported the register",
    "incident.deleted": "Deleted at the end of its retention period",
}


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str

    @property
    def words(self) -> str:
        if self.before == "—":
            return f"{self.what}: {self.after}"
        if self.after == "—":
            return f"{self.what}: removed (was {self.before})"
        return f"{self.what}: {self.before} → {self.after}"


def action_words(action: str) -> str:
    """The action in words; one not listed reads as its words with acronyms kept ("RCA completed")."""
    return ACTIONS.get(action) or vocabulary.label(action.replace(".", "_"))


@cache
def _obligation_names() -> dict[str, str]:
    return {rule.id: f"{rule.action} ({rule.citation})" for rule in default_rulebook().obligations}


def _model(object_type: str):
    return next((m for m in apps.get_models() if m._meta.model_name == object_type), None)


def _field_label(model, name: str) -> str | None:
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    if field is None or not hasattr(field, "verbose_name"):
        return None
    words = str(field.verbose_name)
    if words == name.replace("_", " "):  # Django's default: the vocabulary's words keep acronyms (ENISA, AI)
        return vocabulary.label(name)
    return words[:1].upper() + words[1:]


def _label(object_type: str, path: str) -> str:
    head, _, rest = path.partition(".")
    if head in _obligation_names():
        return _obligation_names()[head] + (f", {rest.replace('_', ' ')}" if rest else "")
    if head == "facts" and rest:
        return vocabulary.label(rest)
    return _field_label(_model(object_type), path) or vocabulary.label(path)


def _when(text: str) -> str | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return f"{moment.astimezone(times.zone()):%Y-%m-%d %H:%M}"


def _value(object_type: str, path: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    head, _, rest = path.partition(".")
    if head == "facts" and rest:
        return vocabulary.show(rest, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if head == "categories" and isinstance(value, list):
        return ", ".join(vocabulary.choice_label("categories", str(item)) for item in value)
    if head == "unknown" and isinstance(value, list):
        return ", ".join(vocabulary.label(str(item)) for item in value)
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(item, dict) for item in value)):
        count = len(value) if isinstance(value, list) else 1
        return f"{count} entr{'y' if count == 1 else 'ies'} (see the sealed record)"
    if isinstance(value, list):
        return ", ".join(_item(object_type, path, item) for item in value) or "—"
    text = str(value)
    field = None
    model = _model(object_type)
    try:
        field = model._meta.get_field(path) if model else None
    except FieldDoesNotExist:
        field = None
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.choices).get(value, text))
    return _when(text) or (vocabulary.choice_label(path, value) if path.endswith("status") else text)


_CODE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def _item(object_type: str, path: str, item: Any) -> str:
    """One element of a list: a code ("data_issue") in words, anything else as it is."""
    if isinstance(item, str) and _CODE.match(item):
        return vocabulary.choice_label(path, item)
    return _value(object_type, path, item)


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts as dotted paths ("facts.personal_data.involved"); lists and plain values as leaves."""
    if not isinstance(data, dict):
        return {prefix: data} if prefix else {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out |= _flat(value, path) if isinstance(value, dict) and value else {path: value}
    return out


def changes(event: Any) -> list[Change]:
    """What the event changed, one line per field or fact that differs, in words."""
    try:
        data = json.loads(event.data)
    except (TypeError, ValueError):
        return []
    before, after = _flat(data.get("before") or {}), _flat(data.get("after") or {})
    lines = []
    for path in sorted(set(before) | set(after), key=lambda p: (p.count("."), p)):
        if path.split(".")[-1] in SKIPPED or path in SKIPPED or before.get(path) == after.get(path):
            continue
        old = _value(event.object_type, path, before.get(path)) if path in before else "—"
        new = _value(event.object_type, path, after.get(path)) if path in after else "—"
        if old != new:
            lines.append(Change(_label(event.object_type, path), old, new))
    return lines


def summary(event: Any) -> str:
    try:
        return json.loads(event.data).get("summary") or ""
    except (TypeError, ValueError):
        return ""
