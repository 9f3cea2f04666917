"""Exercises and the readiness page. Thin: each view checks the role, calls a service and reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.documents.markdown import to_html
from incidentdesk.documents.services import FORMATS
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.procedure.references import readable
from incidentdesk.refusals import NotFound, Refused
from incidentdesk.web import post_action, require, workspace_of

from . import channeltest, report, services
from .forms import EndForm, RevealForm, StartForm
from .models import BackupRecord, Exercise
from .readiness import assess
from .scenarios import library


@login_required
def exercises(request):
    """The scenario library, the exercises run so far, and (for those who may) the form to start one."""
    require(request, Capability.VIEW_REGISTER)
    return render(request, "preparedness/exercises.html", {
        "scenarios": list(library().values()), "form": StartForm(),
        "exercises": Exercise.objects.visible_to(request.user).select_related("incident")[:100],
        "here": "exercises"})


@login_required
@require_POST
@submitted_once
def start(request):
    require(request, Capability.CLASSIFY)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was started. Choose a scenario from the library.")
        return redirect("exercises")
    try:
        exercise = services.start(scenario=form.cleaned_data["scenario"], by=request.user)
    except Refused as exc:
        messages.error(request, f"Nothing was started. {readable(str(exc))}")
        return redirect("exercises")
    messages.success(request, f"Exercise started as {exercise.incident.reference}. Reveal each inject when its "
                              "time comes; the clocks run from now.")
    return redirect("incident-workspace", exercise.incident.reference)


@login_required
@require_POST
def reveal(request, reference: str):
    return post_action(request, reference, Capability.CLASSIFY, RevealForm,
                       lambda i, d: services.reveal(exercise=services.exercise_of(i), inject=d["inject"],
                                                    by=request.user),
                       "Inject revealed: the facts changed, and the clocks and severity with them.")


@login_required
@require_POST
def end(request, reference: str):
    return post_action(request, reference, Capability.CLASSIFY, EndForm,
                       lambda i, d: services.end(exercise=services.exercise_of(i), by=request.user),
                       "Exercise ended: it counts as this year's tabletop. Record the lessons, then read the "
                       "exercise report.")


def _exercise(request, reference: str) -> Exercise:
    try:
        return services.exercise_of(workspace_of(request, reference))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def report_page(request, reference: str):
    exercise = _exercise(request, reference)
    return render(request, "preparedness/report.html", {
        "exercise": exercise, "incident": exercise.incident, "title": report.title(exercise),
        "sections": [(heading, to_html(text)) for heading, text in report.sections(exercise)]})


@login_required
def report_export(request, reference: str, fmt: str):
    exercise = _exercise(request, reference)
    if fmt not in FORMATS:
        raise Http404("Export as pdf or docx.")
    content = report.export(exercise=exercise, fmt=fmt, by=request.user, via="web")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exercise.incident.reference}-exercise-report.{fmt}"'
    return response


@login_required
def readiness(request):
    """Are we ready? The score, each item with what was found, and where to fix each gap."""
    require(request, Capability.VIEW_REGISTER)
    result = assess()
    return render(request, "preparedness/readiness.html", {
        "readiness": result, "ready_items": [i for i in result.items if i.ready],
        "last_backup": BackupRecord.objects.first(), "may_test": can(request.user, Capability.VIEW_REGISTER)})


@login_required
@require_POST
@submitted_once
def test_reminder(request):
    """Send a test reminder through the person's own channels (the readiness check reads the outcome)."""
    require(request, Capability.VIEW_REGISTER)
    try:
        channeltest.send_test(user=request.user)
    except Refused as exc:
        messages.error(request, f"Nothing was sent. {exc}")
    else:
        messages.success(request, "Test reminder sent. Its outcome shows below once the worker has sent it.")
    return redirect("readiness")
