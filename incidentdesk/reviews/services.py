"""The management review pack as a document (PDF or DOCX), generated on record. No HTTP here.

The web page, the API and the CLI call ``export``; each generation is an audit event naming who, the period,
the format and the channel, so an auditor can see which figures management was shown and when.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from incidentdesk import times
from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.dashboard.period import Period, PeriodRefused, between
from incidentdesk.documents import render
from incidentdesk.documents.markdown import to_html
from incidentdesk.refusals import Forbidden, Refused

from . import document, pack

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_VIA = {"web": "from the web", "api": "through the API", "cli": "on the command line"}


class ReviewRefused(Refused):
    """The pack cannot be made as asked (a period that ends before it starts, an unknown format)."""


def period(first: date | None, last: date | None, now: datetime | None = None) -> Period:
    """The period asked for, the last twelve months by default; refused with a sentence when it makes no sense."""
    try:
        return between(first, last, now or timezone.now(), times.zone())
    except PeriodRefused as exc:
        raise ReviewRefused(str(exc)) from exc


def figures(*, user: Any, period: Period, now: datetime | None = None) -> pack.Pack:
    """The pack's figures for a person who may read the register (a reporter follows only their own reports)."""
    if not can(user, Capability.VIEW_REGISTER):
        raise Forbidden("Only people who read the register may see the management review")
    return pack.build(user=user, period=period, now=now)


def filename(period: Period, fmt: str) -> str:
    return f"management-review-{period.first}-to-{period.last}.{fmt}"


def export(*, user: Any, period: Period, fmt: str, via: str, now: datetime | None = None) -> bytes:
    """The pack as PDF or DOCX, and one audit event: who generated it, for which period, in which format, how."""
    if fmt not in FORMATS:
        raise ReviewRefused(f"format: choose {' or '.join(FORMATS)}")
    if not can(user, Capability.EXPORT):
        raise Forbidden("Your role does not allow exporting")
    figures_ = figures(user=user, period=period, now=now)
    title, sections = document.title(figures_), document.sections(figures_)
    if fmt == "pdf":
        content = render.pdf("documents/print.html", {
            "title": title, "organisation": figures_.organisation,
            "generated": times.local_text(figures_.generated_at, period.tz),
            "sections": [(heading, to_html(text)) for heading, text in sections]})
    else:
        content = render.docx(title, sections)
    audit.record(action="management_review.generated", object_type="organisation", object_id=1, by=user,
                 after={"first": period.first, "last": period.last, "format": fmt, "via": via,
                        "incidents": figures_.incidents, "decisions": [d.id for d in figures_.decisions]},
                 summary=f"Management review pack for {period.words()} generated as {fmt.upper()} "
                         f"{_VIA.get(via, via)}")
    return content
