"""The dashboard: what is open, which clocks run out first, and how the organisation is doing."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from incidentdesk.accounts.permissions import Capability, can

from . import charts, services


@login_required
def dashboard(request):
    if not can(request.user, Capability.VIEW_REGISTER):
        return redirect("register")  # reporters follow their own reports
    return render(request, "dashboard/dashboard.html", {"d": services.build(user=request.user)})


@login_required
def chart(request, name: str):
    if not can(request.user, Capability.VIEW_REGISTER):
        raise Http404
    now = timezone.now()
    if name == "per-month":
        svg = charts.per_month(services.chart_month(request.user, now))
    elif name == "per-tool":
        svg = charts.per_tool(services.chart_tool(request.user, now))
    else:
        raise Http404("No such chart.")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response
