"""Retention, legal hold and minimisation in the web app: thin views over ``services``, ``redaction`` and
``subjects``; a refusal is shown as a message and nothing is stored."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.incidents import exports
from incidentdesk.incidents.models import Incident
from incidentdesk.organisation.models import RETENTION_FLOOR_YEARS, Organisation
from incidentdesk.refusals import Refused
from incidentdesk.web import form_problems, require, workspace_of

from . import redaction, services, subjects
from .forms import ConfirmForm, HoldForm, ReasonForm, RedactForm, SubjectForm
from .models import LegalHold
from .pseudonyms import Pseudonymiser


def _may_see_retention(request) -> None:
    if not (can(request.user, Capability.RETAIN) or can(request.user, Capability.VIEW_AUDIT)):
        raise PermissionDenied("Your role does not allow this (retention).")


@login_required
def overview(request):
    """Incidents past their retention date, with any hold or pending deletion; and every hold in force."""
    _may_see_retention(request)
    now = timezone.now()
    rows = []
    for incident in services.past_retention(now).filter(pk__in=Incident.objects.visible_to(request.user).values("pk")
                                                        ).prefetch_related("legal_holds", "deletion_proposals"):
        proposal = services.open_proposal(incident)
        rows.append({"incident": incident, "hold": services.active_hold(incident, now), "proposal": proposal,
                     "may_confirm": proposal is not None and can(request.user, Capability.MANAGE_ORGANISATION)
                     and proposal.proposed_by_id != request.user.pk})
    day = services.today(now)
    holds = [h for h in LegalHold.objects.visible_to(request.user).filter(released_at__isnull=True)
             .select_related("incident") if h.active_on(day)]
    organisation = Organisation.current()
    return render(request, "retention/overview.html", {
        "rows": rows, "holds": holds, "organisation": organisation, "floor": RETENTION_FLOOR_YEARS,
        "cutoff": services.cutoff(now), "hold_form": HoldForm(), "reason_form": ReasonForm(), "here": "retention"})


def _act(request, reference: str, form_class, act, done: str, capability: Capability = Capability.RETAIN):
    incident = workspace_of(request, reference)
    require(request, capability)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing was saved. {form_problems(form)}")
    else:
        try:
            act(incident, form.cleaned_data)
        except Refused as exc:
            messages.error(request, f"Nothing was changed. {exc}")
        else:
            messages.success(request, done.format(ref=incident.reference))
    if request.POST.get("back") == "workspace":
        return redirect("incident-workspace", incident.reference)
    return redirect("retention")


@login_required
@require_POST
@submitted_once
def place_hold(request, reference: str):
    return _act(request, reference, HoldForm, lambda i, d: services.place_hold(
        incident=i, reason=d["reason"], until=d["until"], by=request.user), "Legal hold placed on {ref}.")


@login_required
@require_POST
@submitted_once
def release_hold(request, reference: str, pk: int):
    def act(incident, data):
        hold = LegalHold.objects.visible_to(request.user).filter(pk=pk, incident=incident).first()
        if hold is None:
            raise Http404("No such legal hold.")
        services.release_hold(hold=hold, reason=data["reason"], by=request.user)
    return _act(request, reference, ReasonForm, act, "Legal hold on {ref} released.")


@login_required
@require_POST
@submitted_once
def propose(request, reference: str):
    return _act(request, reference, ReasonForm, lambda i, d: services.propose_deletion(
        incident=i, reason=d["reason"], by=request.user),
        "Deletion of {ref} proposed: another administrator must confirm it.")


@login_required
@require_POST
@submitted_once
def confirm(request, reference: str):
    return _act(request, reference, ConfirmForm, lambda i, d: services.confirm_deletion(incident=i, by=request.user),
                "{ref} deleted; the audit log keeps the deletion and its evidence hashes.",
                Capability.MANAGE_ORGANISATION)


@login_required
@require_POST
@submitted_once
def withdraw(request, reference: str):
    return _act(request, reference, ConfirmForm, lambda i, d: services.withdraw_deletion(incident=i, by=request.user),
                "Proposed deletion of {ref} withdrawn.")


@login_required
@submitted_once
def redact(request, reference: str):
    """A form to redact a passage from every free text of the incident; the result is shown in the workspace."""
    incident = workspace_of(request, reference)
    require(request, Capability.RETAIN)
    form = RedactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = redaction.redact(incident=incident, passage=form.cleaned_data["passage"],
                                    reason=form.cleaned_data["reason"], by=request.user)
        except Refused as exc:
            form.add_error(None, f"Nothing was changed. {exc}")
        else:
            places = ", ".join(f"{d.kind.lower()} ({d.label.lower()})" for d in done)
            messages.success(request, f"Redacted {sum(d.occurrences for d in done)} occurrence(s) in: {places}.")
            return redirect("incident-workspace", incident.reference)
    return render(request, "retention/redact.html", {"incident": incident, "form": form},
                  status=400 if form.errors else 200)


@login_required
def subject_access(request):
    """Every incident that mentions a person (GDPR Art 15), exportable; the search itself is audited."""
    require(request, Capability.RETAIN)
    form = SubjectForm(request.GET or None)
    mentions = None
    if form.is_bound and form.is_valid():
        try:
            mentions = subjects.search(term=form.cleaned_data["person"], by=request.user)
        except Refused as exc:
            form.add_error("person", str(exc).partition(": ")[2] or str(exc))
    return render(request, "retention/subject_access.html",
                  {"form": form, "mentions": mentions, "here": "subject-access"},
                  status=400 if form.errors else 200)


@login_required
def subject_access_export(request, fmt: str):
    """The incidents found, through the register's export (CSV or XLSX); ``?pseudonymised=1`` for other people."""
    require(request, Capability.RETAIN)
    require(request, Capability.EXPORT)
    form = SubjectForm(request.GET or None)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Export as csv or xlsx.")
    if not form.is_valid():
        messages.error(request, f"Nothing was exported. {form_problems(form)}")
        return redirect("subject-access")
    try:
        mentions = subjects.search(term=form.cleaned_data["person"], by=request.user)
    except Refused as exc:
        messages.error(request, f"Nothing was exported. {exc}")
        return redirect("subject-access")
    incidents = subjects.queryset(mentions)
    cells = Pseudonymiser() if request.GET.get("pseudonymised") else exports.unchanged
    via = {"person searched": "subject access"} | ({"pseudonymised": "yes"} if cells is not exports.unchanged else {})
    exports.record_export(by=request.user, fmt=fmt, rows=len(mentions), filters=via, via="web")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        exports.write_xlsx(response, incidents, cells=cells)
    else:
        response = StreamingHttpResponse(exports.stream_csv(incidents, cells=cells),
                                         content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{stamp}.{fmt}"'
    return response
