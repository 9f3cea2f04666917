"""Briefings and training (procedure §9): who must be briefed, who was, and the tasks lessons gave."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.refusals import Refused
from incidentdesk.times import local
from incidentdesk.web import form_problems, refuse_on_form, require

from . import services
from .forms import AccessForm, BriefingForm, EndAccessForm
from .models import Briefing, ToolAccess


def _page(request, briefing_form=None, access_form=None, status=200):
    day = local(timezone.now()).date()
    tasks = services.tasks_for(request.user)
    return render(request, "briefings/overview.html", {
        "version": services.current_version(), "unbriefed": services.unbriefed(day),
        "tasks": tasks.filter(done_at__isnull=True).select_related("assignee"),
        "briefings": Briefing.objects.all()[:200], "grants": ToolAccess.objects.select_related("tool"),
        "briefing_form": briefing_form or BriefingForm(tasks=tasks.filter(done_at__isnull=True),
                                                       initial={"given_on": day}),
        "access_form": access_form or AccessForm(initial={"since": day}), "end_form": EndAccessForm(),
        "here": "briefings"}, status=status)


@login_required
def overview(request):
    require(request, Capability.VIEW_REGISTER)
    return _page(request)


@login_required
@require_POST
@submitted_once
def record(request):
    require(request, Capability.MANAGE_INVENTORY)
    form = BriefingForm(request.POST, tasks=services.tasks_for(request.user).filter(done_at__isnull=True))
    if form.is_valid():
        try:
            services.record_briefing(by=request.user, **form.cleaned_data)
        except Refused as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Briefing of {form.cleaned_data['person_name']} recorded.")
            return redirect("briefings")
    return _page(request, briefing_form=form, status=400)


@login_required
@require_POST
@submitted_once
def grant(request):
    require(request, Capability.MANAGE_INVENTORY)
    form = AccessForm(request.POST)
    if form.is_valid():
        try:
            services.grant_access(by=request.user, **form.cleaned_data)
        except Refused as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Access recorded.")
            return redirect("briefings")
    return _page(request, access_form=form, status=400)


@login_required
@require_POST
@submitted_once
def end(request, pk: int):
    require(request, Capability.MANAGE_INVENTORY)
    access = get_object_or_404(ToolAccess, pk=pk)
    form = EndAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing was saved. {form_problems(form)}")
    else:
        try:
            services.end_access(access=access, on=form.cleaned_data["ended_on"], by=request.user)
        except Refused as exc:
            messages.error(request, f"Nothing was saved. {exc}")
        else:
            messages.success(request, f"{access.person_name}'s access to {access.tool.name} ended.")
    return redirect("briefings")
