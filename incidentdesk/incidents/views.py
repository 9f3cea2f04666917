"""The register, recording an incident, and the incident workspace. Thin: forms parse, services decide."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability, can, capabilities
from incidentdesk.audit.models import AuditEvent
from incidentdesk.breaches import services as breaches
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.inventory.models import AITool
from incidentdesk.refusals import Refused
from incidentdesk.web import post_action, refuse_on_form, require, visible, workspace_of

from . import access, exports, lifecycle, progress, section8, workflow
from . import services as incidents
from .facts import FLAGS
from .filters import RegisterFilter
from .forms import ClassifyForm, DecisionForm, IncidentForm, QuickRecordForm, RestrictForm, TransitionForm
from .models import Incident, Status
from .register import register_page


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


def locked_capabilities(user, incident: Incident) -> dict[str, bool]:
    """What the person may do on this incident's page: nothing that changes it once it is closed."""
    may = capabilities(user)
    if incident.status == Status.CLOSED:
        may |= {"edit": False, "classify": False}
    return may


@login_required
def register(request):
    result = register_page(user=request.user, params=request.GET, number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    now = timezone.now()
    return render(request, "incidents/register.html", {
        "filter": result.filter, "page": result.page, "rows": result.rows, "now": now,
        "soon": now + timedelta(hours=24), "query": query.urlencode()})


@login_required
def export(request, fmt: str):
    require(request, Capability.EXPORT)
    filterset = RegisterFilter(request.GET or None, queryset=Incident.objects.visible_to(request.user))
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        exports.write_xlsx(response, filterset.qs)
    elif fmt == "csv":
        response = StreamingHttpResponse(exports.stream_csv(filterset.qs), content_type="text/csv; charset=utf-8")
    else:
        raise Http404("Export as csv or xlsx.")
    response["Content-Disposition"] = f'attachment; filename="incident-register-{stamp}.{fmt}"'
    return response


def _quick_initial() -> dict:
    return {"detected_at": timezone.localtime().replace(second=0, microsecond=0)}


@login_required
@submitted_once
def record(request):
    require(request, Capability.RECORD)
    form = QuickRecordForm(request.POST or None, initial=_quick_initial())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incidents.record_incident(
                title=data["title"], description=data["description"] or data["title"],
                detected_at=data["detected_at"], tools=form.tools(), facts=form.facts(), by=request.user)
        except incidents.IncidentRefused as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Recorded {incident.reference}. Its clocks are running; next steps below.")
            return redirect("incident-workspace", incident.reference)
    tools = AITool.objects.values_list("name", flat=True)
    return render(request, "incidents/record.html", {"form": form, "tools": tools, "assessment": None},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def record_preview(request):
    """htmx: the provisional severity and clocks these facts would give, live as the form is filled in."""
    require(request, Capability.RECORD)
    form = QuickRecordForm(request.POST)
    assessment, problem = None, ""
    if form.is_valid():
        try:
            data = form.cleaned_data
            assessment = incidents.preview(title=data["title"], detected_at=data["detected_at"], tools=form.tools(),
                                           facts=form.facts())
        except incidents.IncidentRefused as exc:
            problem = str(exc)
    else:
        problem = "Fill in what happened and when it was detected to see the provisional severity."
    return render(request, "incidents/_preview.html", {"assessment": assessment, "problem": problem,
                                                       "now": timezone.now()})


@login_required
def workspace(request, reference: str):
    if not can(request.user, Capability.VIEW_WORKSPACE):
        return report_status(request, reference)
    incident = workspace_of(request, reference)
    now = timezone.now()
    obligations = list(incident.obligations.select_related("snapshot").order_by("due_at", "rule_id"))
    rank = {"overdue": 0, "pending": 1, "may_apply": 2, "done": 3, "not_required": 4}
    shown = sorted(((o, o.shown_status(now)) for o in obligations),
                   key=lambda pair: (rank.get(pair[1], 5), pair[0].due_at or now + timedelta(days=3650)))
    events = AuditEvent.objects.visible_to(request.user).filter(incident_ref=incident.reference).order_by("-seq")[:200]
    panels, context = step_panels(incident, request.user, now)
    context |= workflow_context(incident, now)
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
        "history": incident.classifications.all(),
        "breach": getattr(incident, "breach_assessment", None), "events": events,
        "classify_form": ClassifyForm(initial={"level": incident.severity_level}),
        "decision_form": DecisionForm(), "restrict_form": RestrictForm(initial={
            "restricted": incident.restricted, "people": [a.user_id for a in incident.access.all()]}),
    })


@login_required
def edit(request, reference: str):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    form = IncidentForm(request.POST or None, initial=IncidentForm.initial_for(incident))
    if request.method == "POST" and form.is_valid():
        try:
            incidents.update_incident(incident=incident, by=request.user, changes=form.changes())
        except Refused as exc:  # a closed incident's IncidentClosed too (it is a Conflict, not an IncidentRefused)
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Saved. Severity and clocks were recomputed from the new facts.")
            return redirect("incident-workspace", incident.reference)
    return render(request, "incidents/edit.html", {"form": form, "incident": incident, "flags": FLAGS},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def classify(request, reference: str):
    return post_action(request, reference, Capability.CLASSIFY, ClassifyForm,
                        lambda i, d: incidents.classify(incident=i, level=d["level"], reasoning=d["reasoning"],
                                                        by=request.user),
                        "Classified definitively; the reasoning is in the severity history.")


@login_required
@require_POST
def decide(request, reference: str):
    return post_action(request, reference, Capability.CLASSIFY, DecisionForm,
                        lambda i, d: breaches.decide_breach(incident=i, notify_authority=d["notify_authority"],
                                                            communicate_subjects=d["communicate_subjects"],
                                                            reasons=d["reasons"], by=request.user),
                        "GDPR decision recorded beside the recommendation.")


@login_required
@require_POST
def restrict(request, reference: str):
    return post_action(request, reference, Capability.RESTRICT, RestrictForm,
                        lambda i, d: access.restrict(incident=i, restricted=d["restricted"], people=list(d["people"]),
                                                     by=request.user),
                        "Access updated.")


@login_required
@require_POST
def transition(request, reference: str):
    return post_action(request, reference, Capability.EDIT, TransitionForm,
                       lambda i, d: lifecycle.transition(incident=i, to=d["to"], reason=d["reason"], by=request.user),
                       "Status changed.")


def report_status(request, reference: str):
    """What a reporter sees of its own report: reference, title, when, status and level. No deliberation."""
    incident = visible(request, reference)
    return render(request, "incidents/report_status.html", {"incident": incident})
