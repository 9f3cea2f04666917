"""The register, recording an incident, and the incident workspace. Thin: forms parse, services decide."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from incidentdesk import times
from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.assessment import vocabulary
from incidentdesk.breaches import services as breaches
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.inventory.models import AITool
from incidentdesk.refusals import Refused
from incidentdesk.retention.pseudonyms import Pseudonymiser
from incidentdesk.web import post_action, refuse_on_form, require, visible, workspace_of

from . import access, exports, lifecycle, savedviews
from . import services as incidents
from .facts import FLAGS
from .filters import RegisterFilter
from .forms import (
    ClassifyForm,
    DecisionForm,
    IncidentForm,
    OwnerForm,
    QuickRecordForm,
    RestrictForm,
    TransitionForm,
)
from .models import Incident
from .page import render_workspace
from .register import register_page


@login_required
def register(request):
    result = register_page(user=request.user, params=request.GET, number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    now = timezone.now()
    views = [(view, urlencode(view.params)) for view in savedviews.views_for(request.user)]
    with times.pinned():  # the organisation's zone read once, not once per row's time and hold badge
        return render(request, "incidents/register.html", {
            "filter": result.filter, "page": result.page, "rows": result.rows, "now": now,
            "soon": now + timedelta(hours=24), "query": query.urlencode(), "views": views,
            "current_view": next((v.name for v, q in views if q and QueryDict(q) == QueryDict(query.urlencode())), ""),
            "may_share": can(request.user, savedviews.SHARE), "hidden_exercises": result.hidden_exercises,
            "filter_values": [(k, v) for k, v in query.items() if v]})


@login_required
@require_POST
def save_view(request):
    """Save the register's current filter (sent as the form's hidden fields) under a name."""
    require(request, Capability.VIEW_REGISTER)
    params = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "view_name", "shared")}
    try:
        savedviews.save_view(user=request.user, name=request.POST.get("view_name", ""), params=params,
                             shared=request.POST.get("shared") == "on")
    except Refused as exc:
        messages.error(request, f"The view was not saved: {exc}")
    else:
        messages.success(request, "View saved: it is listed above the register.")
    return redirect(f"{reverse('register')}?{urlencode(savedviews.clean_params_or_none(params))}")


@login_required
@require_POST
def delete_view(request, pk: int):
    require(request, Capability.VIEW_REGISTER)
    try:
        savedviews.delete_view(user=request.user, pk=pk)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "View deleted.")
    return redirect("register")


@login_required
def export(request, fmt: str):
    require(request, Capability.EXPORT)
    filterset = RegisterFilter(request.GET or None, queryset=Incident.objects.visible_to(request.user),
                               user=request.user)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filters = exports.used_filters(request.GET)
    cells = Pseudonymiser() if request.GET.get("pseudonymised") else exports.unchanged  # for outside readers
    filters |= {"pseudonymised": "yes"} if cells is not exports.unchanged else {}
    if fmt == "xlsx":
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        rows = exports.write_xlsx(response, filterset.qs, cells=cells)
        exports.record_export(by=request.user, fmt=fmt, rows=rows, filters=filters, via="web")
    elif fmt == "csv":
        exports.record_export(by=request.user, fmt=fmt, rows=filterset.qs.real().count(), filters=filters, via="web")
        response = StreamingHttpResponse(exports.stream_csv(filterset.qs, cells=cells),
                                         content_type="text/csv; charset=utf-8")
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
        except Refused as exc:
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
    assessment, problem, unknown = None, "", []
    if form.is_valid():
        try:
            data = form.cleaned_data
            assessment = incidents.preview(title=data["title"], detected_at=data["detected_at"], tools=form.tools(),
                                           facts=form.facts())
            unknown = vocabulary.describe_all(assessment.unknown, form.tools())
        except Refused as exc:
            problem = str(exc)
    else:
        problem = "Fill in what happened and when it was detected to see the provisional severity."
    return render(request, "incidents/_preview.html", {"assessment": assessment, "problem": problem,
                                                       "unknown": unknown, "now": timezone.now()})


@login_required
def workspace(request, reference: str):
    if not can(request.user, Capability.VIEW_WORKSPACE):
        return report_status(request, reference)
    return render_workspace(request, workspace_of(request, reference))


@login_required
def edit(request, reference: str):
    """The facts' edit form: its own page, or (htmx) in place of the workspace's facts section.

    In place, a refused form comes back in the section with its errors (200, since htmx does not swap an
    error response); a saved one reloads the workspace, whose level, clocks and next action follow the facts.
    """
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
            if request.htmx:
                return HttpResponseClientRedirect(reverse("incident-workspace", args=[incident.reference]))
            return redirect("incident-workspace", incident.reference)
    context = {"form": form, "incident": incident, "flags": FLAGS}
    if request.htmx:
        return render(request, "incidents/_facts_form.html", context)
    return render(request, "incidents/edit.html", context, status=400 if form.errors else 200)


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
def owner(request, reference: str):
    return post_action(request, reference, Capability.CLASSIFY, OwnerForm,
                       lambda i, d: incidents.set_owner(incident=i, owner=d["owner"], by=request.user),
                       "Owner saved.")


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
