"""The incident workspace page: one render for the workspace view and for a step's refused form shown again.

A step app whose form is refused (the root-cause analysis) shows the workspace again with its bound form,
so what was typed is not lost; it imports this module, never ``incidents.views``.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string

from incidentdesk import assignment, times
from incidentdesk.accounts.permissions import Capability, can, capabilities
from incidentdesk.assessment import vocabulary
from incidentdesk.audit.models import AuditEvent
from incidentdesk.documents import timeline

from . import lifecycle, progress, section8, workflow
from .facts import known_rows, still_unknown
from .forms import ClassifyForm, DecisionForm, RestrictForm
from .models import Incident, Status


def workflow_context(incident: Incident, now) -> dict:
    """The lifecycle part of the workspace: the conditions (once), and what each later state still needs."""
    later = lifecycle.ORDER[lifecycle.ORDER.index(incident.status) + 1:]
    computed = progress.conditions(incident, now)  # one computation for the checklist and every next state
    next_states = [(state, lifecycle.unmet(incident, state, computed)) for state in later]
    moves = [workflow.Move(state, problems) for state, problems in next_states]
    return {"conditions": computed, "can_reopen": incident.status in ("resolved", "closed"),
            "next_states": next_states, "moves": moves, "blocked_in_full": [m for m in moves if len(m.problems) > 1]}


#: The incidents app's own panels, by the step they belong to (the step apps name theirs in their panel).
OWN_PANELS = {"classify": ["incidents/_severity.html"], "notify": ["incidents/_gdpr.html"]}
#: The step name of a panel about the whole incident (shown beside the steps, not in one).
ASIDE = "aside"


def step_panels(incident: Incident, user, now) -> tuple[list[tuple[str, str, set[str]]], dict]:
    """The response steps' panels, in ``settings.WORKSPACE_PANELS`` order: each app builds its own.

    The incidents app does not import the step apps: each names its panel function in the setting, and
    its template, its step (``progress.STEPS``) and context come from there. Returns (template, step, the
    context names it brings) per panel, so a refused form opens the step that holds it.
    """
    panels, context = [], {}
    for dotted in settings.WORKSPACE_PANELS:
        panel = import_string(dotted)(incident, user, now)
        template, step = panel.pop("template"), panel.pop("step", "")
        panels.append((template, step, set(panel)))
        context |= panel
    return panels, context


def sections(checklist: list[workflow.Step], panels: list[tuple[str, str, set[str]]], opened: str) -> list[dict]:
    """The procedure's six steps as sections, each with its panels; only ``opened`` is open.

    A panel that names no step (or an unknown one) goes with the last step, so nothing is ever hidden. A panel
    whose step is ``ASIDE`` (comments, the legal hold, the exercise) is about the whole incident, not one step:
    it goes in the side column (``aside``).
    """
    by_step: dict[str, list[str]] = {key: list(OWN_PANELS.get(key, [])) for key in progress.STEPS}
    for template, step, _names in panels:
        if step == ASIDE:
            continue
        by_step[step if step in by_step else list(progress.STEPS)[-1]].append(template)
    return [{"step": s, "panels": by_step[s.key], "open": s.key == opened} for s in checklist]


def aside(panels: list[tuple[str, str, set[str]]]) -> list[str]:
    """The panels about the whole incident rather than one step, for the side column."""
    return [template for template, step, _names in panels if step == ASIDE]


def opened_step(request, checklist: list[workflow.Step], panels: list[tuple[str, str, set[str]]],
                forms: dict | None) -> str:
    """Which step is open: the one holding a refused form, else the one asked for (``?step=``), else the next."""
    for _template, step, names in panels:
        if forms and names & set(forms):
            return step
    if forms and "classify_form" in forms:
        return "classify"
    if forms and "decision_form" in forms:
        return "notify"
    asked = request.GET.get("step", "")
    if asked in progress.STEPS:
        return asked
    return next((s.key for s in checklist if s.next), "")


#: The workspace's lists that grow with the incident (a large one has hundreds of actions, comments, files):
#: each shows its latest ``LATEST`` rows with the count and a link showing them all (``?all=<name>``). A
#: manager under stress needs the next step, not 300 rows; rendering them all took seconds.
LONG_LISTS = ("containment", "evidence", "capa", "comments", "notifications", "lessons", "informed")
LATEST = 10
#: The audit events the activity feed reads and puts in words (10 shown, the rest folded).
ACTIVITY = 50


def latest(rows) -> tuple[list, int]:
    """The last ``LATEST`` of ``rows`` in their order, and how many there are. An ordered queryset is read as a
    count and the latest rows only (not hundreds of model instances); a list (built by its panel) is cut."""
    if isinstance(rows, QuerySet) and rows.ordered:
        return list(rows.reverse()[:LATEST])[::-1], rows.count()
    rows = list(rows)
    return rows[-LATEST:], len(rows)


def latest_rows(context: dict, panels: list[tuple[str, str, set[str]]], shown_all: str) -> dict:
    """Cut each long list of the panels' ``context`` to its latest rows (in place), but not ``shown_all``.

    Returns ``more``: per list cut, how many are shown, how many there are, and the link showing all of them
    (its step open, scrolled to it). A panel's queryset is read as its count and its latest rows (two
    queries whatever the incident's size); rendering the rows was what cost seconds.
    """
    more = {}
    for name in LONG_LISTS:
        if name not in context or name == shown_all:
            continue
        rows, total = latest(context[name])
        context[name] = rows
        if total > LATEST:
            step = next((step for _t, step, names in panels if name in names), "")
            more[name] = {"shown": LATEST, "total": total,
                          "url": f"?{urlencode({'step': step, 'all': name})}#{name}-all"}
    return more


def next_deadline(clocks: list[tuple]) -> tuple | None:
    """The open clock due first (overdue ones first): the header's "next deadline"."""
    return next(((o, state) for o, state in clocks if state in ("overdue", "pending") and o.due_at), None)


def people_context(incident: Incident) -> dict:
    """Who may be put on this incident's work: ``owner_choices`` (who may run it) for ``incidents/_owner.html``,
    ``assignable`` (who may do its tasks) and ``deciders`` (who may decide its lessons) for the panels' assign
    forms. Computed once per page."""
    assignable = assignment.people_for(incident)
    deciders = [u for u in assignable if can(u, Capability.CLASSIFY)]
    return {"owner_choices": deciders, "assignable": assignable, "deciders": deciders}


def locked_capabilities(user, incident: Incident) -> dict[str, bool]:
    """What the person may do on this incident's page: nothing that changes it once it is closed."""
    may = capabilities(user)
    if incident.status == Status.CLOSED:
        may |= {"edit": False, "classify": False}
    return may


def read_only(may: dict[str, bool], may_reopen: bool) -> bool:
    """The page has no form at all for this person (a viewer, an auditor): it reads as a record."""
    return not (may.get("edit") or may.get("classify") or may.get("restrict") or may_reopen)


def render_workspace(request, incident: Incident, forms: dict | None = None, status: int = 200):
    """The workspace page; ``forms`` replaces panel forms (a refused form shown again with what was typed).

    The organisation's time zone is read once for the whole page (``times.pinned``): the record's texts write
    every containment action's time with it, one profile query per line otherwise (306 at the large incident).
    """
    with times.pinned():
        return _render_workspace(request, incident, forms, status)


def _render_workspace(request, incident: Incident, forms: dict | None, status: int):
    now = timezone.now()
    obligations = list(incident.obligations.select_related("snapshot").order_by("due_at", "rule_id"))
    rank = {"overdue": 0, "pending": 1, "may_apply": 2, "done": 3, "not_required": 4}
    shown = sorted(((o, o.shown_status(now)) for o in obligations),
                   key=lambda pair: (rank.get(pair[1], 5), pair[0].due_at or now + timedelta(days=3650)))
    # The latest page of the history only (a large incident has thousands of events): the rest is one link
    # away in the audit log, filtered to this incident.
    recent = list(AuditEvent.objects.visible_to(request.user).filter(
        incident_ref=incident.reference).order_by("-seq")[:ACTIVITY])
    # The history in words (who changed what from what to what), newest first: the codes stay in the audit log.
    activity = list(reversed(timeline.lines(incident, list(reversed(recent)))))
    panels, context = step_panels(incident, request.user, now)
    more = latest_rows(context, panels, request.GET.get("all", ""))
    context |= workflow_context(incident, now) | people_context(incident) | (forms or {})
    checklist = workflow.steps(incident, now, context["conditions"])
    clocks = [(o, s) for o, s in shown if s not in ("not_required",)]
    may, may_reopen = locked_capabilities(request.user, incident), can(request.user, Capability.EDIT)
    return render(request, "incidents/workspace.html", context | {
        "sections": sections(checklist, panels, opened_step(request, checklist, panels, forms)),
        "aside_panels": aside(panels), "more": more,
        "next_action": workflow.next_action(checklist, context["moves"]), "next_deadline": next_deadline(clocks),
        "may": may, "read_only": read_only(may, may_reopen),
        "locked": incident.status == Status.CLOSED, "may_reopen": may_reopen,
        "incident": incident, "now": now, "soon": now + timedelta(hours=24),
        "level_name": workflow.level_name(incident.severity_level),
        "clocks": clocks, "not_required": [o for o, s in shown if s == "not_required"],
        "steps": checklist,
        "minimum_response": workflow.minimum_response(incident.severity_level),
        "tools": incident.tools.select_related("tool"), "section8": section8.texts(incident),
        "fact_rows": known_rows(incident.facts), "still_unknown": still_unknown(incident),
        "labels": {name: vocabulary.label(path) for name, path in (
            ("detected_at", "detected_at"), ("occurred_at", "occurred_at"), ("aware_at", "aware_at"),
            ("tools", "tools[]"), ("categories", "categories"))},
        "category_names": [vocabulary.choice_label("categories", c) for c in incident.categories],
        "history": incident.classifications.all(),
        "breach": getattr(incident, "breach_assessment", None), "activity": activity,
        "activity_more": len(recent) == ACTIVITY,
        "classify_form": ClassifyForm(initial={"level": incident.severity_level}),
        "decision_form": DecisionForm(), "restrict_form": RestrictForm(initial={
            "restricted": incident.restricted, "people": [a.user_id for a in incident.access.all()]}),
    }, status=status)
