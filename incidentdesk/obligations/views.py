"""Obligations in the web app: settle one by hand from the incident workspace, and the law-change page
(preview what the current rule files would change; apply it to all or some open incidents)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.refusals import Refused
from incidentdesk.reviews.last import procedure_reviewed_on
from incidentdesk.web import post_action, require

from . import lawchange, services
from .forms import ObligationAssignForm, SettleForm


@login_required
@require_POST
def settle(request, reference: str, rule_id: str):
    def act(incident, data):
        obligation = services.obligation_of(incident, rule_id)
        services.settle(obligation=obligation, reason=data["reason"], at=data["at"], by=request.user)

    return post_action(request, reference, Capability.CLASSIFY, SettleForm, act,
                       f"{rule_id} settled by hand. The reason is kept on the clock and in the activity log.")


@login_required
@require_POST
def assign(request, reference: str, rule_id: str):
    def act(incident, data):
        services.assign(obligation=services.obligation_of(incident, rule_id), assignee=data["assignee"],
                        by=request.user)

    return post_action(request, reference, Capability.EDIT, ObligationAssignForm, act, "Assignment saved.")


@login_required
def law_change(request):
    """Which open incidents' clocks the current rule files would move, add or remove; stores nothing."""
    require(request, Capability.CLASSIFY)
    return render(request, "obligations/law_change.html", {
        "preview": lawchange.preview(request.user), "reviews": lawchange.open_reviews(request.user),
        "reviewed_on": procedure_reviewed_on(),
        "may_review": can(request.user, Capability.MANAGE_DOCUMENTS)})


@login_required
@require_POST
def law_change_apply(request):
    """Apply the current rule files to the incidents ticked, or to all those the page listed (never to one
    that became pending after the person looked: it waits for the next review)."""
    require(request, Capability.CLASSIFY)
    everything = request.POST.get("all") == "1"
    references = request.POST.getlist("shown" if everything else "references")
    try:
        if not references:
            raise lawchange.LawChangeRefused("tick the incidents to apply the change to, or apply it to all")
        done = lawchange.apply(by=request.user, references=references)
    except Refused as exc:
        text = str(exc)
        messages.error(request, f"Nothing was changed. {text[:1].upper()}{text[1:]}")
    else:
        messages.success(request, f"Re-evaluated {', '.join(done)} with the current rule files; each change is in "
                                  "its activity log." if done else "No open incident was pending the change.")
    return redirect("law-change")
