"""API: step 5, investigate and document — the root-cause analysis (same service as the workspace).

A draft can be saved any number of times; completing it checks the seed's five questions and the
cause categories ("fix the system, not just the person") and meets the 14-day RCA clock.
"""

from ninja import Field, Router, Schema

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, Problem, UtcDateTime, choices, require, workspace_of

from . import services
from .models import CauseCategory, RootCauseAnalysis

router = Router(tags=["investigation"])


class AnalysisIn(Schema):
    """Fields left out keep their saved value."""

    what_happened: str | None = Field(None, description="What happened")
    why: str | None = Field(None, description="Why it happened")
    what_was_done: str | None = Field(None, description="What was done")
    impact: str | None = Field(None, description="The impact")
    what_changes: str | None = Field(None, description="What changes to prevent recurrence")
    five_whys: list[str] | None = Field(None, description="Each answer to 'why?', in order")
    contributing_factors: str | None = Field(None, description="Contributing factors")
    cause_categories: list[CauseCategory] | None = Field(None, description=choices(CauseCategory))
    systemic_cause: str | None = Field(None, description="Required when human error is the only cause")


class AnalysisOut(Schema):
    what_happened: str = Field(description="What happened")
    why: str = Field(description="Why it happened")
    what_was_done: str = Field(description="What was done")
    impact: str = Field(description="The impact")
    what_changes: str = Field(description="What changes to prevent recurrence")
    five_whys: list[str] = Field(description="Each answer to 'why?', in order")
    contributing_factors: str = Field(description="Contributing factors")
    cause_categories: list[str] = Field(description=choices(CauseCategory))
    systemic_cause: str = Field(description="The systemic cause behind a human error")
    completed_at: UtcDateTime | None = Field(description="When the analysis was completed (UTC); null: a draft")
    updated_at: UtcDateTime = Field(description="Last saved (UTC)")


def _fields(body: AnalysisIn) -> dict:
    data = {k: v for k, v in body.dict().items() if v is not None}
    if "cause_categories" in data:
        data["cause_categories"] = [str(c) for c in data["cause_categories"]]
    if "five_whys" in data:
        data["five_whys"] = [w.strip() for w in data["five_whys"] if w.strip()]
    return data


@router.get("/{reference}/rca", response={200: AnalysisOut, **PROBLEMS}, auth=READ,
            summary="The root-cause analysis (404 until a draft is saved)")
def read_analysis(request, reference: str):
    incident = workspace_of(request, reference)
    row = RootCauseAnalysis.objects.visible_to(request.user).filter(incident=incident).first()
    if row is None:
        raise Problem(404, "Not found", f"{incident.reference} has no root-cause analysis yet")
    return row


@router.put("/{reference}/rca", response={200: AnalysisOut, **PROBLEMS}, auth=WRITE,
            summary="Save the analysis as a draft")
def save_analysis(request, reference: str, body: AnalysisIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    return services.save_analysis(incident=incident, by=request.user, **_fields(body))


@router.post("/{reference}/rca/complete", response={200: AnalysisOut, **PROBLEMS}, auth=WRITE,
             summary="Complete the analysis (every question answered; meets the RCA clock)")
def complete_analysis(request, reference: str, body: AnalysisIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    return services.save_analysis(incident=incident, by=request.user, complete=True, **_fields(body))
