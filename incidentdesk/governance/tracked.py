"""Lessons become versions (issue 14, item 3): the draft a document's next change lands in.

An accepted lesson aimed at a governance document is written as a dated change-log line
(``lessons.DocumentChange``) that names the draft version it lands in: the tracked change. This module finds that
draft, or starts one from the version in force. It imports only this app's models and the audit log, so the
lessons app can call it without an import circle.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from incidentdesk.audit.services import record, snapshot

from .models import OPEN_STATUSES, Document, DocumentKind, DocumentVersion, VersionStatus

#: A lesson's target (``lessons.Target`` values) → the document it changes. Training is no controlled document.
LESSON_TARGETS = {"incident_policy": DocumentKind.INCIDENT_POLICY, "procedure": DocumentKind.INCIDENT_PROCEDURE,
                  "policy": DocumentKind.USAGE_POLICY, "inventory": DocumentKind.TOOL_INVENTORY}


def draft_from_base(doc: Document, *, by: Any, why: str) -> DocumentVersion:
    """The open draft or version in review of ``doc``, or a new draft copied from the version in force.

    Two callers at once (two lessons accepted in the same second) get the same draft: the database lets one
    version be open per document, and the one that loses the race reads the winner's."""
    current = doc.versions.filter(status__in=OPEN_STATUSES).first()
    if current:
        return current
    base = (doc.versions.filter(status=VersionStatus.IN_FORCE).first()
            or doc.versions.filter(status=VersionStatus.APPROVED).order_by("-number").first())
    number = (doc.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            version = DocumentVersion.objects.create(document=doc, number=number, body=base.body if base else "",
                                                     sources=base.sources if base else {},
                                                     author=by if getattr(by, "pk", None) else None)
            record(action="document.draft_started", object_type="governance.DocumentVersion",
                   object_id=version.pk, by=by, summary=f"{doc}: draft version {number} started ({why})",
                   after=snapshot(version))
    except IntegrityError:
        current = doc.versions.filter(status__in=OPEN_STATUSES).first()
        if current is None:
            raise
        return current
    return version


def draft_for_lesson(target: str, *, by: Any) -> DocumentVersion | None:
    """The draft an accepted lesson's change lands in; None for a lesson about training."""
    kind = LESSON_TARGETS.get(target)
    if kind is None:
        return None
    try:
        doc, _ = Document.objects.get_or_create(kind=kind)
    except IntegrityError:
        doc = Document.objects.get(kind=kind)
    return draft_from_base(doc, by=by, why="a lesson was accepted")
