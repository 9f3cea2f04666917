"""API: the management review pack (ISO/IEC 42001 clause 9.3) for a period, as figures or as a document.

The figures answer in words and numbers as the pack prints them; ``/{fmt}`` returns the PDF or DOCX
(generating it is logged). Dates are the organisation's days, both included; without them, the last 12 months.
"""

from datetime import date
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, UtcDateTime, choices, require
from incidentdesk.dashboard.services import median_hours
from incidentdesk.refusals import NotFound

from . import cycle, document, services
from .models import DocumentReview, ReviewReason, ReviewStatus
from .words import describe

router = Router(tags=["management review"])
reviews_router = Router(tags=["document reviews"])


DAY = r"^\d{4}-\d{2}-\d{2}$"


class PeriodIn(Schema):
    """Days as text (YYYY-MM-DD): a number is not a day (pydantic would read 0 as 1 January 1970)."""

    first: str | None = Field(None, alias="from", pattern=DAY,
                              description="First day of the period, YYYY-MM-DD (default: 12 months ago)")
    last: str | None = Field(None, alias="to", pattern=DAY,
                             description="Last day of the period, included, YYYY-MM-DD (default: today)")

    def period(self):
        """The period asked for; a day that does not exist (2026-02-30) is refused with a sentence."""
        try:
            days = [date.fromisoformat(d) if d else None for d in (self.first, self.last)]
        except ValueError as exc:
            raise services.ReviewRefused(f"from/to: not a day of the calendar ({exc})") from exc
        return services.period(*days)


class DecisionOut(Schema):
    id: str = Field(description="Stable identifier of the decision rule (reviews/decisions.toml)")
    ask: str = Field(description="What management is asked to decide, in words")
    why: str = Field(description="Why it matters")
    source: str = Field(description="The clause or procedure section that asks it")


class SectionOut(Schema):
    heading: str = Field(description="The section's heading")
    text: str = Field(description="The section in Markdown, as the PDF and DOCX print it")


class PackOut(Schema):
    title: str = Field(description="The pack's title")
    first: date = Field(description="First day of the period")
    last: date = Field(description="Last day of the period (included)")
    time_zone: str = Field(description="The organisation's time zone, in which the days are counted")
    incidents: int = Field(description="Incidents detected in the period (that the token's owner may see)")
    by_level: dict[str, int] = Field(description="Incidents per severity level (1 to 4)")
    by_category: dict[str, int] = Field(description="Incidents per category (one incident may count in several)")
    by_tool: dict[str, int] = Field(description="Incidents per AI tool")
    deadlines: dict[str, int | float | None] = Field(description="Deadlines done in the period: done, on_time, "
                                                     "late, rate (percent met on time)")
    median_hours: dict[str, float | None] = Field(description="Median hours from detection to the first "
                                                  "containment action, the definitive level, the first notification")
    decisions: list[DecisionOut] = Field(description="Decisions asked of management, from what is open")
    sections: list[SectionOut] = Field(description="The whole pack in words")


@router.get("", response={200: PackOut, **PROBLEMS}, auth=READ, summary="The management review pack's figures")
def figures(request, period: Query[PeriodIn]):
    chosen = period.period()
    pack = services.figures(user=request.user, period=chosen)
    return {"title": document.title(pack), "first": chosen.first, "last": chosen.last, "time_zone": chosen.tz.key,
            "incidents": pack.incidents, "by_level": {str(k): v for k, v in pack.by_level.items()},
            "by_category": pack.by_category, "by_tool": dict(pack.by_tool), "deadlines": pack.compliance,
            "median_hours": {"contain": median_hours(pack.time_to_contain),
                             "classify": median_hours(pack.time_to_classify),
                             "notify": median_hours(pack.time_to_notify)},
            "decisions": [{"id": d.id, "ask": d.ask, "why": d.why, "source": d.source} for d in pack.decisions],
            "sections": [{"heading": h, "text": t} for h, t in document.sections(pack)]}


@router.get("/{fmt}", response=PROBLEMS, auth=READ, summary="The management review pack as pdf or docx (logged)",
            openapi_extra={"responses": {"200": {"description": "The pack", "content": {
                media: {"schema": {"type": "string", "format": "binary"}} for media in services.FORMATS.values()}}}})
def export(request, fmt: Literal["pdf", "docx"], period: Query[PeriodIn]):
    chosen = period.period()
    response = HttpResponse(services.export(user=request.user, period=chosen, fmt=fmt, via="api"),
                            content_type=services.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{services.filename(chosen, fmt)}"'
    return response


class ReviewOut(Schema):
    id: int = Field(description="The review's id")
    document: str = Field(description="The document's kind (the governance register's)")
    reason: str = Field(description=choices(ReviewReason))
    why: str = Field(description="Why it is due, in words")
    incident: str | None = Field(description="The incident whose closure asked for it, if any")
    rule_file: str = Field(description="The law (rule file) whose new version asked for it, if any")
    rule_version: str = Field(description="That rule file's new version")
    assignee: str | None = Field(description="Who does the review (username)")
    due_on: date = Field(description="Done by this day")
    status: str = Field(description=choices(ReviewStatus))
    completed_at: UtcDateTime | None = Field(description="When it was done (UTC)")
    outcome: str = Field(description="Why no change was needed, or which version was approved")


class NoChangeIn(Schema):
    reason: str = Field(description="Why the document needs no change: what was checked and found")


def _review(review: DocumentReview) -> dict:
    return {"id": review.pk, "document": review.document.kind, "reason": review.reason, "why": describe(review),
            "incident": review.incident.reference if review.incident else None, "rule_file": review.rule_file,
            "rule_version": review.rule_version,
            "assignee": review.assignee.get_username() if review.assignee else None, "due_on": review.due_on,
            "status": review.status, "completed_at": review.completed_at, "outcome": review.outcome}


@reviews_router.get("", response={200: list[ReviewOut], **PROBLEMS}, auth=READ,
                    summary="Review tasks of the governance documents")
def list_reviews(request):
    require(request, Capability.VIEW_REGISTER)
    rows = DocumentReview.objects.visible_to(request.user).select_related("document", "incident", "assignee")
    return [_review(r) for r in rows.order_by("status", "due_on", "pk")[:500]]


@reviews_router.post("/{review_id}/no-change", response={200: ReviewOut, **PROBLEMS}, auth=WRITE,
                     summary="Record a review as done with no change, and why")
def no_change(request, review_id: int, body: NoChangeIn):
    require(request, Capability.MANAGE_DOCUMENTS)
    review = DocumentReview.objects.visible_to(request.user).filter(pk=review_id).first()
    if review is None:
        raise NotFound("No such review that you may see")
    return _review(cycle.complete_without_change(review, reason=body.reason, by=request.user))
