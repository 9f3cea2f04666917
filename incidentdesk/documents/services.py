"""Documents for people outside the app: the incident report and notification drafts, as PDF or DOCX."""

from __future__ import annotations

from django.utils import timezone

from incidentdesk.incidents.models import Incident
from incidentdesk.notifications.models import NotificationDraft
from incidentdesk.organisation.models import Organisation

from . import render, report
from .markdown import to_html

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _pdf(title: str, sections: list[tuple[str, str]]) -> bytes:
    return render.pdf("documents/print.html", {
        "title": title, "organisation": Organisation.current().name,
        "generated": f"{timezone.localtime():%Y-%m-%d %H:%M %Z}",
        "sections": [(heading, to_html(text)) for heading, text in sections]})


def incident_report(incident: Incident, fmt: str) -> bytes:
    sections = report.sections(incident)
    return _pdf(report.title(incident), sections) if fmt == "pdf" else render.docx(report.title(incident), sections)


def draft_document(draft: NotificationDraft, fmt: str) -> bytes:
    sections = [("", draft.body)]
    title = f"{draft.subject} (draft v{draft.version})"
    return _pdf(title, sections) if fmt == "pdf" else render.docx(title, sections)
