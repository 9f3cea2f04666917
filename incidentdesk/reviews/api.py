"""API: the management review pack (ISO/IEC 42001 clause 9.3) for a period, as figures or as a document.

The figures answer in words and numbers as the pack prints them; ``/{fmt}`` returns the PDF or DOCX
(generating it is logged). Dates are the organisation's days, both included; without them, the last 12 months.
"""

from datetime import date
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from incidentdesk.api_base import PROBLEMS, READ
from incidentdesk.dashboard.services import median_hours

from . import document, services

router = Router(tags=["management review"])


class PeriodIn(Schema):
    first: date | None = Field(None, alias="from", description="First day of the period (default: 12 months ago)")
    last: date | None = Field(None, alias="to", description="Last day of the period, included (default: today)")


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
    chosen = services.period(period.first, period.last)
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
    chosen = services.period(period.first, period.last)
    response = HttpResponse(services.export(user=request.user, period=chosen, fmt=fmt, via="api"),
                            content_type=services.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{services.filename(chosen, fmt)}"'
    return response
