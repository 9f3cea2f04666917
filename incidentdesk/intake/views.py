"""The triage queue (signed in) and the public reporting channel (no account needed)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.clientaddress import client_address
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.incidents.models import Incident
from incidentdesk.organisation.models import Organisation
from incidentdesk.refusals import Refused
from incidentdesk.web import require

from . import ratelimit, services
from .filters import TriageFilter
from .forms import DismissForm, ReportForm
from .models import TriageItem, TriageStatus


@login_required
def queue(request):
    """The queue: open items (not yet tied to an incident) and those recently decided.

    Both lists go through the access policy: an item promoted to an incident the person cannot see
    (restricted, not named on it) is left out of "recently decided", so its reference and link appear nowhere.
    """
    require(request, Capability.VIEW_REGISTER)
    visible = TriageItem.objects.visible_to(request.user)
    filterset = TriageFilter(request.GET or None, queryset=visible.select_related("source", "incident"))
    items = filterset.qs[:200] if filterset.is_valid() else visible.none()
    decided = visible.exclude(status=TriageStatus.OPEN).select_related("incident")[:50]
    return render(request, "intake/queue.html", {"items": items, "decided": decided, "filter": filterset,
                                                 "filtered": bool(request.GET)})


@login_required
@require_POST
@submitted_once
def promote(request, pk: int):
    require(request, Capability.TRIAGE)
    item = get_object_or_404(TriageItem.objects.visible_to(request.user), pk=pk)
    try:
        incident = services.promote(item=item, by=request.user)
    except (services.TriageRefused, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("triage")
    messages.success(request, f"{item.reference} is now {incident.reference}; complete its facts.")
    return redirect("incident-workspace", incident.reference)


@login_required
@require_POST
def add_to_incident(request, pk: int):
    """Add the item to an incident already recorded, named by its id (the same thing, reported again)."""
    require(request, Capability.TRIAGE)
    item = get_object_or_404(TriageItem.objects.visible_to(request.user), pk=pk)
    reference = request.POST.get("into", "").strip().upper()
    incident = Incident.objects.visible_to(request.user).filter(reference=reference).first()
    if incident is None:
        messages.error(request, f"No incident {reference or '(none given)'} that you can see: give its id, "
                                "e.g. INC-2026-001.")
        return redirect("triage")
    try:
        services.add_to_incident(item=item, incident=incident, by=request.user)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("triage")
    messages.success(request, f"{item.reference} added to {incident.reference}.")
    return redirect("incident-workspace", incident.reference)


@login_required
@require_POST
def dismiss(request, pk: int):
    require(request, Capability.TRIAGE)
    item = get_object_or_404(TriageItem.objects.visible_to(request.user), pk=pk)
    form = DismissForm(request.POST)
    try:
        services.dismiss(item=item, reason=form.data.get("reason", ""), by=request.user)
    except services.TriageRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{item.reference} dismissed.")
    return redirect("triage")


def report(request):
    """Anyone may report an AI concern (ISO/IEC 42001 A.3.3). Rate-limited per client address (behind a trusted
    proxy, the real client's: ``clientaddress``), counted in the database so every server process shares the
    limit; a honeypot traps bots."""
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if ratelimit.hit(f"report:{client_address(request) or 'unknown'}", seconds=3600) > settings.REPORTS_PER_HOUR:
            return render(request, "intake/report.html", {"form": form, "limited": True}, status=429)
        if form.is_valid():
            if form.cleaned_data["website"]:  # the honeypot: nothing is stored, and the sender is told so
                return render(request, "intake/not_accepted.html", {"organisation": Organisation.current()})
            item, token = services.report(title=form.cleaned_data["title"], details=form.cleaned_data["details"],
                                          contact=form.cleaned_data["contact"])
            link = request.build_absolute_uri(f"/report/follow/{token}/")
            return render(request, "intake/reported.html", {"reference": item.reference, "link": link})
    return render(request, "intake/report.html", {"form": form}, status=400 if form.errors else 200)


def follow(request, token: str):
    item = services.followed(token)
    if item is None:
        return render(request, "intake/follow.html", {"item": None}, status=404)
    return render(request, "intake/follow.html", {"item": item})
