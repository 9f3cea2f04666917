"""How a version reads: seed §1's document-control block, the text for the public, the export sections.

One function each, used by the pages, the public address, the PDF and DOCX and the CLI, so they say the same.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from incidentdesk.contacts.models import Contact
from incidentdesk.documents import render
from incidentdesk.documents.markdown import escape, to_html
from incidentdesk.organisation.models import Organisation
from incidentdesk.times import local_text

from .models import DocumentVersion, VersionStatus


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else "not set"


def _day(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else "not set"


def linked_words(version: DocumentVersion) -> str:
    parts = []
    for doc in version.document.linked.all():
        current = doc.versions.filter(status=VersionStatus.IN_FORCE).first()
        parts.append(f"{doc} version {current.number}" if current else f"{doc} (no version in force yet)")
    return ", ".join(parts) or "none"


def control_rows(version: DocumentVersion) -> list[tuple[str, str]]:
    """Seed §1 "Document control", for one version."""
    doc = version.document
    approval = (f"{_name(version.approved_by)}, {local_text(version.approved_at)}" if version.approved_at
                else "not approved yet")
    review = _day(doc.next_review_on) + " (and annually thereafter), and after each incident that triggered it"
    return [
        ("Document", f"{Organisation.current().name} {doc}"),
        ("Version", str(version.number)),
        ("Status", version.get_status_display()),
        ("Effective date", _day(version.effective_on)),
        ("Next review", review if doc.next_review_on else "not set"),
        ("Owner", _name(doc.owner)),
        ("Linked documents", linked_words(version)),
        ("Legal basis / reference framework", doc.legal_basis or "not set"),
        ("Approval", approval),
    ]


def control_markdown(version: DocumentVersion) -> str:
    return "\n".join(f"- **{label}:** {escape(value)}" for label, value in control_rows(version))


def public_text(body: str) -> str:
    """The text without the paragraphs or list items that name a contact marked internal only (its name, e-mail
    address or phone number), so a published document never shows them, even in text written by hand."""
    marks = [m for c in Contact.objects.filter(private=True) for m in (c.name, c.email, c.phone) if m]
    if not marks:
        return body
    pattern = re.compile("|".join(re.escape(m) for m in marks), re.IGNORECASE)
    blocks = re.split(r"(\n\s*\n)", body)
    kept = []
    for block in blocks:
        lines = [line for line in block.split("\n") if not pattern.search(line.replace("\\", ""))]
        kept.append("\n".join(lines))
    return "".join(kept)


def tracked_changes(version: DocumentVersion, user: Any) -> list[Any]:
    """The accepted lessons' changes that land in this version, as far as ``user`` may see them."""
    from incidentdesk.lessons.models import DocumentChange

    return list(DocumentChange.objects.visible_to(user).filter(version=version)
                .select_related("lesson__incident").order_by("changed_on", "pk"))


def export_sections(version: DocumentVersion, user: Any) -> list[tuple[str, str]]:
    """(heading, Markdown) for the PDF and the DOCX: the control block, the text, then the tracked changes."""
    sections = [("Document control", control_markdown(version)), ("", version.body)]
    changes = tracked_changes(version, user)
    if changes:
        sections.append(("Changes in this version", "\n".join(
            f"- {c.changed_on.isoformat()}: {escape(c.summary)}" for c in changes)))
    if version.change_notes:
        sections.append(("Change notes", version.change_notes))
    return sections


def title(version: DocumentVersion) -> str:
    return f"{Organisation.current().name} {version.document}, version {version.number}"


def pdf(version: DocumentVersion, user: Any) -> bytes:
    sections = [(h, to_html(t)) for h, t in export_sections(version, user)]
    return render.pdf("documents/print.html", {"title": title(version), "organisation": Organisation.current().name,
                                               "generated": local_text(timezone.now()), "sections": sections})


def docx(version: DocumentVersion, user: Any) -> bytes:
    return render.docx(title(version), export_sections(version, user))
