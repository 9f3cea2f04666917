"""The incident workspace page: one render for the workspace view and for a step's refused form shown again.

A step app whose form is refused (the root-cause analysis) shows the workspace again with its bound form,
so what was typed is not lost; it imports this module, never ``incidents.views``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string

from incidentdesk import assignment
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
    return {"conditions": computed, "can_reopen": incident.status in ("resolved", "closed"),
            "next_states": [(state, lifecycle.unmet(incident, state, computed)) for state in later]}


def step_panels(incident: Incident, user, now) -> tuple[list[str], dict]:
    """The response steps' panels, in ``settings.WORKSPACE_PANELS`` order: each app builds its own.

    The incidents app does not import the step apps: each names its panel function in the setting, and
    its template and context come from there.
    """
    templates, context = [], {}
    for dotted in settings.WORKSPACE_PANELS:
        panel = import_string(dotted)(incident, user, now)
        templates.append(panel.pop("template"))
        context |= panel
    return templates, context


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


def render_workspace(request, incident: Incident, forms: dict | None = None, status: int = 200):
    """The workspace page; ``forms`` replaces panel forms (a refused form shown again with what was typed)."""
    now = timezone.now()
    obligations = list(incident.obligations.select_related("snapshot").order_by("due_at", "rule_id"))
    rank = {"overdue": 0, "pending": 1, "may_apply": 2, "done": 3, "not_required": 4}
    shown = sorted(((o, o.shown_status(now)) for o in obligations),
                   key=lambda pair: (rank.get(pair[1], 5), pair[0].due_at or now + timedelta(days=3650)))
    recent = list(AuditEvent.objects.visible_to(request.user).filter(
        incident_ref=incident.reference).order_by("-seq")[:200])
    # The history in words (who changed what from what to what), newest first: the codes stay in the audit log.
    activity = list(reversed(timeline.lines(incident, list(reversed(recent)))))
    panels, context = step_panels(incident, request.user, now)
    context |= workflow_context(incident, now) | people_context(incident) | (forms or {})
    return render(request, "incidents/workspace.html", context | {
        "panels": panels, "may": locked_capabilities(request.user, incident),
        "locked": incident.status == Status.CLOSED, "may_reopen": can(request.user, Capability.EDIT),
        "incident": incident, "now": now, "soon": now + timedelta(hours=24),
        "level_name": workflow.level_name(incident.severity_level),
        "clocks": [(o, s) for o, s in shown if s not in ("not_required",)],
        "not_required": [o for o, s in shown if s == "not_required"],
        "steps": workflow.steps(incident, now, context["conditions"]),
        "minimum_response": workflow.minimum_response(incident.severity_level),
        "tools": incident.tools.select_related("tool"), "section8": section8.texts(incident),
        "fact_rows": known_rows(incident.facts), "still_unknown": still_unknown(incident),
        "labels": {name: vocabulary.label(path) for name, path in (
            ("detected_at", "detected_at"), ("occurred_at", "occurred_at"), ("aware_at", "aware_at"),
            ("tools", "tools[]"), ("categories", "categories"))},
        "category_names": [vocabulary.choice_label("categories", c) for c in incident.categories],
        "history": incident.classifications.all(),
        "breach": getattr(incident, "breach_assessment", None), "activity": activity,
        "classify_form": ClassifyForm(initial={"level": incident.severity_level}),
        "decision_form": DecisionForm(), "restrict_form": RestrictForm(initial={
            "restricted": incident.restricted, "people": [a.user_id for a in incident.access.all()]}),
    }, status=status)
