"""Acknowledging an internal notice: in the workspace on the team's behalf, or by the contact through the
signed link in the e-mail (no sign-in; GET only shows, POST acknowledges, so a mail scanner that opens the
link acknowledges nothing)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import post_action

from . import services
from .forms import AcknowledgeForm
from .models import Notice


@login_required
@require_POST
def acknowledge(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    def act(incident, data):
        notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk, incident=incident)
        services.acknowledge(notice=notice, by=request.user, note=data["note"])

    return post_action(request, reference, Capability.EDIT, AcknowledgeForm, act, "Acknowledgement recorded.")


@require_http_methods(["GET", "POST"])
def ack_link(request: HttpRequest, token: str) -> HttpResponse:
    """Forged or unknown: 404 (the page says so). Expired or used: the page says so, nothing changes."""
    context: dict = {"step": None, "refused": "", "done": False}
    try:
        step = services.step_for_link(token)
        context["step"] = step
        if request.method == "POST":
            services.acknowledge_by_link(token)
            context["done"] = True
        elif step.notice.acknowledged_at:
            context["refused"] = "Your team's acknowledgement is already recorded; this link cannot be used again."
    except services.LinkNotFound as exc:
        return render(request, "routing/ack_link.html", {"refused": str(exc), "step": None}, status=404)
    except services.LinkRefused as exc:
        context["refused"] = str(exc)
    return render(request, "routing/ack_link.html", context)
