"""The incident's history in words: who changed what, from what to what, read from the audit log.

The audit log is written for machines (``incident.transition``, seven ``obligations.recomputed`` in a
row, JSON before/after). An auditor reads "Status changed from Contained to Classified" and "Clocks
updated: Notify the supervisory authority: open → done". Each event kind has a translation here; runs of
automatic recomputations by the same person are folded into one line, and a clock change already said by
the act that caused it ("Met: …") is not said twice. An event kind with no translation keeps the sentence
its service wrote (its summary), or its name in words, so nothing in the log is left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from incidentdesk import times
from incidentdesk.assessment import vocabulary
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import ClassificationKind, Incident, Status

STATUS_WORDS = {"pending": "open", "done": "done", "not_required": "not required", "may_apply": "may apply",
                "superseded": "superseded", "overdue": "overdue"}


@dataclass
class Line:
    at: datetime
    actor: str
    text: str
    #: rule ids whose clock change this line already tells (an act that met an obligation)
    rules: set[str] = field(default_factory=set)
    #: the same, with the person as its subject ("moved the incident from contained to classified"), for the
    #: workspace's feed; "" when the line reads better as "actor · text"
    sentence: str = ""


@dataclass
class Context:
    """What the translations look up: names of clocks, actions, lessons and evidence by their ids."""

    obligations: dict[str, str]
    objects: dict[tuple[str, str], str]


def _words(code: str) -> str:
    return str(code).replace("_", " ")


def _status(value: str | None) -> str:
    return Status(value).label if value in Status.values else _words(value or "—")


def value_text(value: Any) -> str:
    """A stored value as a person reads it: yes/no/unknown, lists joined, ISO times in the organisation's zone."""
    if value is None or value == "" or value == []:
        return "unknown" if value is None else "empty"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return times.with_utc(datetime.fromisoformat(value))
        except ValueError:
            return value
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= _flatten(item, f"{prefix}.{key}" if prefix else key)
        return out
    return {prefix: value}


def fact_label(path: str) -> str:
    """A changed value's name in the vocabulary's words (``personal_data.data_categories`` → "Categories of
    personal data"); an incident column the vocabulary does not name by its own label."""
    if vocabulary.term(path) is not None:
        return vocabulary.label(path)
    try:
        return str(Incident._meta.get_field(path).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - not a column: a path in the facts the vocabulary does not name either
        return vocabulary.label(path)


def _shown(path: str, value: Any) -> str:
    """A changed value in words: a choice fact's answers by their labels, anything else as ``value_text``."""
    found = vocabulary.term(path)
    if found is None or not found.choices or value in (None, "", []):
        return value_text(value)
    if isinstance(value, list):
        return ", ".join(vocabulary.choice_label(path, item) for item in value)
    return vocabulary.choice_label(path, value)


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, was, now) for every value whose words differ, facts flattened to their paths.

    A value stored differently that reads the same (the same time with another offset or with microseconds)
    changed nothing a person can see, so it is left out.
    """
    old, new = _flatten(before or {}), _flatten(after or {})
    out = []
    for key in sorted(set(old) | set(new)):
        if key == "updated_at" or old.get(key) == new.get(key):
            continue
        path = key.removeprefix("facts.")
        was, now = _shown(path, old.get(key)), _shown(path, new.get(key))
        if was != now:
            out.append((fact_label(path), was, now))
    return out


def changes_text(before: dict[str, Any], after: dict[str, Any]) -> str:
    """``Label: old → new`` for every value whose words differ; "" when nothing a person can see changed."""
    return "; ".join(f"{label}: {was} → {now}" for label, was, now in _changes(before, after))


def _clock_changes(before: dict[str, Any], after: dict[str, Any], ctx: Context,
                   skip: set[str] = frozenset()) -> list[str]:
    lines = []
    for rule, state in sorted((after or {}).items()):
        if rule in skip:
            continue
        was = STATUS_WORDS.get(((before or {}).get(rule) or {}).get("status"), "—")
        now = STATUS_WORDS.get((state or {}).get("status"), "—")
        if was != now:
            lines.append(f"{ctx.obligations.get(rule, rule)}: {was} → {now}")
    return lines


def _deadline_moves(before: dict[str, Any], after: dict[str, Any], ctx: Context, cause: str) -> list[str]:
    """"The deadline to … moved from … to … because …": a clock whose due time moved, and what moved it."""
    lines = []
    for rule, state in sorted((after or {}).items()):
        old, new = ((before or {}).get(rule) or {}).get("due_at"), (state or {}).get("due_at")
        if not isinstance(state, dict) or "due_at" not in state or rule not in (before or {}) or old == new:
            continue
        if old is None or new is None:
            continue  # a clock that starts or stops is said by its status ("open", "not required")
        was, now = value_text(old), value_text(new)
        if was != now:
            lines.append(f"The deadline to \u201c{ctx.obligations.get(rule, rule)}\u201d moved from {was} to {now}"
                         + (f" because {cause}" if cause else ""))
    return lines


#: Events that follow a correction of the facts in the same change (before the clocks are recomputed).
FOLLOWERS = ("incident.severity", "breach.recommendation", "obligation.")


def _cause(event: AuditEvent, data: dict) -> str:
    """Why the clocks that follow this event moved, in words: the facts it corrected, or the rule files."""
    if event.action == "incident.updated":
        labels = [label for label, _, _ in _changes(data.get("before") or {}, data.get("after") or {})]
        if labels:
            said = ", ".join(f"\u201c{label}\u201d" for label in labels[:3])
            return f"{said} {'was' if len(labels) == 1 else 'were'} corrected" + (" (and more)" if len(labels) > 3
                                                                                 else "")
    if event.action == "obligations.reevaluated":
        return "the rule files changed"
    return ""


def _yes_no(value: Any) -> str:
    return "yes" if value is True else "no" if value is False else "not known"


# --- one translation per event kind ------------------------------------------------------------------

def _created(d: dict, ctx: Context, e: AuditEvent) -> str:
    return f"Recorded the incident \u201c{(d['after'] or {}).get('title', '')}\u201d"


def _severity(d: dict, ctx: Context, e: AuditEvent) -> str:
    old, new = (d["before"] or {}).get("severity_level"), (d["after"] or {}).get("severity_level")
    kind = (d["after"] or {}).get("kind")
    why = (f" ({ClassificationKind(kind).label[:1].lower()}{ClassificationKind(kind).label[1:]})"
           if kind in ClassificationKind.values and kind != ClassificationKind.PROVISIONAL else "")
    if old is None:
        return f"Provisional severity: level {new}{why}"
    return f"Severity changed from level {old} to level {new}{why}"


def _classified(d: dict, ctx: Context, e: AuditEvent) -> str:
    before, after = d["before"] or {}, d["after"] or {}
    kind = e.action.rsplit(".", 1)[-1]
    level, old = after.get("severity_level"), before.get("severity_level")
    reasoning = after.get("severity_reasoning") or after.get("reasoning") or ""
    said = {"definitive": f"Classified definitively at level {level}",
            "escalation": f"Raised the level from {old} to {level}",
            "downgrade": f"Lowered the level from {old} to {level}"}.get(kind, f"Set the level to {level}")
    return said + (f": \u201c{reasoning}\u201d" if reasoning else "")


def _transition(d: dict, ctx: Context, e: AuditEvent) -> str:
    reason = (d["after"] or {}).get("reason")
    verb = "Reopened the incident" if e.action == "incident.reopened" else "Status changed"
    return (f"{verb} from {_status((d['before'] or {}).get('status'))} to {_status((d['after'] or {}).get('status'))}"
            + (f": \u201c{reason}\u201d" if reason else ""))


def _moved(d: dict, e: AuditEvent) -> str:
    """The feed's sentence: "moved the incident from contained to classified" (the person is its subject)."""
    reason = (d["after"] or {}).get("reason")
    was, now = (_status((d[k] or {}).get("status")).lower() for k in ("before", "after"))
    verb = "reopened the incident" if e.action == "incident.reopened" else "moved the incident"
    return f"{verb} from {was} to {now}" + (f": \u201c{reason}\u201d" if reason else "")


def _sentence(event: AuditEvent, data: dict) -> str:
    """A line said with the person as its subject, for the kinds that read so ("Ana moved the incident …")."""
    try:
        if event.action in ("incident.transition", "incident.reopened"):
            return _moved(data, event)
        if event.action == "incident.created":
            return f"recorded the incident \u201c{(data['after'] or {}).get('title', '')}\u201d"
    except (KeyError, TypeError, ValueError, AttributeError):
        return ""
    return ""


def _updated(d: dict, ctx: Context, e: AuditEvent) -> str:
    """"Changed …", or "" for an edit that changed nothing a person can see (it is then not listed)."""
    changes = changes_text(d["before"] or {}, d["after"] or {})
    return f"Changed {changes}" if changes else ""


def _language(code: str) -> str:
    """A draft's language in English words: "Nederlands (Dutch)" → "Dutch"."""
    from incidentdesk.organisation.models import DraftLanguage

    name = DraftLanguage(code).label if code in DraftLanguage.values else code
    return name[name.find("(") + 1:name.rfind(")")] if "(" in name else name


def _draft_written(d: dict, ctx: Context, e: AuditEvent) -> str:
    """Which draft, in which language, which version: "Draft written: GDPR Art 33 notification … (Dutch), version 2"."""
    from incidentdesk.notifications.drafts import KINDS

    after = d["after"] or {}
    kind = after.get("kind", "")
    name = KINDS.get(kind) or ctx.obligations.get(after.get("rule_id", "")) or after.get("subject") or "a draft"
    language = f" ({_language(after['language'])})" if after.get("language") else ""
    version = f", version {after['version']}" if after.get("version") else ""
    return f"Draft written: {name}{language}{version}"


def _access(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    if after.get("restricted"):
        return "Restricted the incident to the people named: " + (", ".join(after.get("named") or []) or "nobody")
    return "Lifted the restriction: everyone with a role that reads the register may see it"


def _obligations_created(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    apply = [ctx.obligations.get(r, r) for r, s in sorted(after.items()) if (s or {}).get("applies") is True]
    maybe = [ctx.obligations.get(r, r) for r, s in sorted(after.items()) if (s or {}).get("applies") is None]
    text = f"Computed the clocks: {len(apply)} apply" + (f" ({'; '.join(apply)})" if apply else "")
    return text + (f"; {len(maybe)} may apply once the facts are known" if maybe else "")


def _completed(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    rule = after.get("rule_id", "")
    name = ctx.obligations.get(rule, rule)
    if after.get("settlement") == "hand" or e.action == "obligation.settled":
        return f"Settled by hand: {name}: \u201c{after.get('reason', '')}\u201d"
    return f"Met: {name}" + (f" ({after['reason']})" if after.get("reason") else "")


def _recommendation(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    parts = []
    if "recommend_notify_authority" in after:
        parts.append(f"notify the supervisory authority: {_yes_no(after['recommend_notify_authority'])}")
    if "recommend_communicate_subjects" in after:
        parts.append(f"inform the people affected: {_yes_no(after['recommend_communicate_subjects'])}")
    return "GDPR recommendation: " + ("; ".join(parts) if parts else "updated (its reasons changed)")


def _decided(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    return (f"GDPR decision: notify the supervisory authority: {_yes_no(after.get('decided_notify_authority'))}; "
            f"inform the people affected: {_yes_no(after.get('decided_communicate_subjects'))}. "
            f"Reasons: \u201c{after.get('decision_reasons', '')}\u201d")


def _contained(d: dict, ctx: Context, e: AuditEvent) -> str:
    from incidentdesk.containment.models import ContainmentKind, ContainmentResult

    after = d["after"] or {}
    kind = ContainmentKind(after["kind"]).label if after.get("kind") in ContainmentKind.values else ""
    result = (ContainmentResult(after["result"]).label.lower() if after.get("result") in ContainmentResult.values
              else "")
    return (f"Containment: {kind}" + (f": {after['description']}" if after.get("description") else "")
            + f" (done by {after.get('taken_by', '')}; {result})")


def _evidence(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    name = after.get("name") or ctx.objects.get(("evidence", e.object_id), "a file")
    verb = {"added": "Added evidence", "viewed": "Opened evidence", "exported": "Exported evidence"}.get(
        e.action.rsplit(".", 1)[-1], _words(e.action.rsplit(".", 1)[-1]).capitalize() + " evidence")
    sha = after.get("sha256")
    return f"{verb} {name}" + (f" (SHA-256 {sha[:16]}…)" if sha and e.action == "evidence.added" else "")


def _notified(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    ref = f", reference {after['reference']}" if after.get("reference") else ""
    from incidentdesk.notifications.models import Channel

    channel = after.get("channel", "")
    how = Channel(channel).label.lower() if channel in Channel.values else _words(channel)
    return (f"Recorded a notification to {after.get('recipient', '')} sent {value_text(after.get('sent_at'))} "
            f"({how}{ref})")


def _rca(d: dict, ctx: Context, e: AuditEvent) -> str:
    return ("Completed the root-cause analysis" if e.action == "rca.completed"
            else "Saved the root-cause analysis (draft)")


def _capa(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    name = after.get("description") or ctx.objects.get(("correctiveaction", e.object_id), "")
    step = e.action.rsplit(".", 1)[-1]
    if step == "planned":
        return f"Planned an action: {name} (owner {after.get('owner', '')}, due {after.get('due_on', '')})"
    if step == "verified":
        return (f"Checked the effectiveness of \u201c{name}\u201d: {_words(after.get('status', ''))}"
                + (f" — {after['effectiveness_result']}" if after.get("effectiveness_result") else ""))
    if step == "accepted":
        return f"Accepted \u201c{name}\u201d without an effectiveness check: {after.get('acceptance_reason', '')}"
    return f"Action \u201c{name}\u201d: {_words(after.get('status', step))}"


def _lesson(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    if e.action == "lesson.proposed":
        return f"Proposed a lesson for the {_words(after.get('target', ''))}: \u201c{after.get('text', '')}\u201d"
    return (f"{'Accepted' if after.get('status') == 'accepted' else 'Rejected'} the lesson "
            f"\u201c{after.get('text', '')}\u201d" + (f": {after['decision_reason']}" if after.get("decision_reason")
                                                       else ""))


def _document(d: dict, ctx: Context, e: AuditEvent) -> str:
    after = d["after"] or {}
    return f"Changed the {_words(after.get('document', 'document'))}: {after.get('summary', '')}"


TRANSLATIONS: dict[str, Callable[[dict, Context, AuditEvent], str]] = {
    "incident.created": _created, "incident.severity": _severity, "incident.transition": _transition,
    "incident.reopened": _transition, "incident.updated": _updated, "incident.access": _access,
    "obligations.created": _obligations_created, "obligation.completed": _completed,
    "obligation.settled": _completed, "breach.recommendation": _recommendation, "breach.decided": _decided,
    "containment.added": _contained, "notification.recorded": _notified, "rca.completed": _rca, "rca.saved": _rca,
    "lesson.proposed": _lesson, "lesson.decided": _lesson, "document.changed": _document,
    "draft.written": _draft_written,
}
PREFIXES: dict[str, Callable[[dict, Context, AuditEvent], str]] = {
    "incident.classified.": _classified, "evidence.": _evidence, "capa.": _capa}


def _translate(event: AuditEvent, data: dict, ctx: Context) -> str:
    handler = TRANSLATIONS.get(event.action) or next(
        (h for prefix, h in PREFIXES.items() if event.action.startswith(prefix)), None)
    if handler is not None:
        try:
            return handler(data, ctx, event)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # an event written by an older version: its summary says it
    return data.get("summary") or _words(event.action.replace(".", " ")).capitalize()


def _context(incident: Incident) -> Context:
    objects: dict[tuple[str, str], str] = {}
    for e in incident.evidence.all():
        objects[("evidence", str(e.pk))] = e.original_name
    for a in incident.corrective_actions.all():
        objects[("correctiveaction", str(a.pk))] = a.description
    return Context(obligations={o.rule_id: o.action for o in incident.obligations.all()}, objects=objects)


def lines(incident: Incident, events: Iterable[AuditEvent] | None = None, reader: Any = None) -> list[Line]:
    """The incident's history in words, oldest first, automatic recomputations folded.

    Read for ``reader`` (the events as ``visible_to`` gives them, decision 195): a link or merge naming an
    incident they may not see says "an incident you cannot see". Pass events read that way, or the reader.
    """
    ctx = _context(incident)
    source = AuditEvent.objects.visible_to(reader) if reader is not None else AuditEvent.objects
    events = events if events is not None else source.filter(incident_ref=incident.reference).order_by("seq")
    out: list[Line] = []
    pending: tuple[dict, dict] | None = None  # a run of "obligations.recomputed": first before, last after
    pending_event: AuditEvent | None = None
    told: set[str] = set()
    cause = ""  # what moved the clocks of the run that follows (a correction of the facts, the rule files)

    def flush() -> None:
        nonlocal pending, pending_event, told
        if pending is not None and pending_event is not None:
            changes = _clock_changes(pending[0], pending[1], ctx, skip=told)
            if changes:
                out.append(Line(pending_event.at, pending_event.actor_name, "Clocks updated: " + "; ".join(changes)))
            for moved in _deadline_moves(pending[0], pending[1], ctx, cause):
                out.append(Line(pending_event.at, pending_event.actor_name, moved))
        pending, pending_event, told = None, None, set()

    for event in events:
        data = json.loads(event.data or "{}")
        if event.action in ("obligations.recomputed", "obligations.reevaluated"):
            before, after = data.get("before") or {}, data.get("after") or {}
            if pending is None:
                pending = (dict(before), dict(after))
            else:
                pending = ({**before, **pending[0]}, {**pending[1], **after})
            pending_event = event
            if event.action == "obligations.reevaluated":
                cause = _cause(event, data)
                out.append(Line(event.at, event.actor_name, "Re-evaluated against the current rule files"))
            continue
        if event.action in ("obligation.completed", "obligation.settled"):
            told.add((data.get("after") or {}).get("rule_id", ""))
        elif pending is not None:
            flush()
        if not event.action.startswith(FOLLOWERS):  # what a correction of the facts brings along keeps its cause
            cause = _cause(event, data)
        text = _translate(event, data, ctx)
        if text:  # an edit that changed nothing a person can see is not history
            out.append(Line(event.at, event.actor_name, text, sentence=_sentence(event, data)))
    flush()
    return out
