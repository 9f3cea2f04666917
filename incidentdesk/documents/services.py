"""Documents for people outside the app: the incident report and notification drafts, as PDF or DOCX."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidentdesk.audit import services as audit
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


def document(title: str, sections: list[tuple[str, str]], fmt: str) -> bytes:
    """Any report made of (heading, Markdown) sections, as PDF or DOCX (the exercise report uses it)."""
    return _pdf(title, sections) if fmt == "pdf" else render.docx(title, sections)


def incident_report(incident: Incident, fmt: str, reader: Any = None) -> bytes:
    sections = report.sections(incident, reader)
    return _pdf(report.title(incident), sections) if fmt == "pdf" else render.docx(report.title(incident), sections)


def draft_document(draft: NotificationDraft, fmt: str) -> bytes:
    sections = [("", draft.body)]
    title = f"{draft.subject} (draft v{draft.version})"
    return _pdf(title, sections) if fmt == "pdf" else render.docx(title, sections)


_VIA = {"web": "from the workspace", "api": "through the API", "cli": "on the command line"}


def report_export(*, incident: Incident, fmt: str, by: Any, via: str) -> bytes:
    """The incident report, and an audit event saying who took it out and in which format."""
    content = incident_report(incident, fmt, reader=by)
    audit.record(action="report.exported", object_type="incident", object_id=incident.pk, by=by,
                 incident_ref=incident.reference, after={"format": fmt, "via": via},
                 summary=f"Incident report of {incident.reference} exported as {fmt.upper()} {_VIA.get(via, via)}")
    return content


def draft_export(*, draft: NotificationDraft, fmt: str, by: Any, via: str) -> bytes:
    """A notification draft as a document, and an audit event: which incident, which draft, which format.

    A draft holds the facts of an incident in a form meant to leave the organisation, so taking one out is
    on record like the report and the register.
    """
    content = draft_document(draft, fmt)
    reference = draft.incident.reference
    audit.record(action="draft.exported", object_type="notificationdraft", object_id=draft.pk, by=by,
                 incident_ref=reference,
                 after={"kind": draft.kind, "version": draft.version, "format": fmt, "via": via},
                 summary=f"Draft \u201c{draft.subject}\u201d (version {draft.version}) of {reference} exported as "
                         f"{fmt.upper()} {_VIA.get(via, via)}")
    return content
