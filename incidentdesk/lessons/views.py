from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.obligations.lawchange import review_open
from incidentdesk.reviews.last import procedure_reviewed_on
from incidentdesk.web import post_action, require

from . import services
from .forms import DecisionForm, LessonAssignForm, LessonForm
from .models import DocumentChange, Lesson


@login_required
@require_POST
def propose(request, reference: str):
    return post_action(request, reference, Capability.EDIT, LessonForm,
                       lambda i, d: services.propose(incident=i, by=request.user, **d),
                       "Lesson proposed.")


@login_required
@require_POST
def decide(request, reference: str, pk: int):
    def act(incident, data):
        lesson = get_object_or_404(Lesson, pk=pk, incident=incident)
        services.decide(lesson=lesson, accept=data["accept"], by=request.user,
                        reason="" if data["accept"] else data["note"], summary=data["note"] if data["accept"] else "")

    return post_action(request, reference, Capability.CLASSIFY, DecisionForm, act, "Lesson decided.")


@login_required
@require_POST
def assign(request, reference: str, pk: int):
    def act(incident, data):
        lesson = get_object_or_404(Lesson.objects.visible_to(request.user), pk=pk, incident=incident)
        services.assign(lesson=lesson, assignee=data["assignee"], due_at=data["due_at"], by=request.user)

    return post_action(request, reference, Capability.EDIT, LessonAssignForm, act, "Assignment saved.")


@login_required
def change_log(request):
    """The change log of the policy, inventory, procedure and training.

    Only lines the person may see: a line written by a lesson of an incident the person cannot see
    (a restricted incident they are not named on) is left out entirely, not shown without its
    reference, because the date and summary alone could tell of the incident. Lines whose incident
    is gone (deleted at the end of its retention period) stay: they name no incident.
    """
    require(request, Capability.VIEW_REGISTER)
    changes = list(DocumentChange.objects.visible_to(request.user).select_related(
        "lesson__incident", "version__document")[:500])
    reviewed_on = procedure_reviewed_on()
    for change in changes:  # a procedure line stays open until the procedure is reviewed (its review date)
        change.review_open = review_open(change, reviewed_on)
    return render(request, "lessons/change_log.html", {"changes": changes, "reviewed_on": reviewed_on,
                                                       "may_review": can(request.user, Capability.MANAGE_DOCUMENTS)})
