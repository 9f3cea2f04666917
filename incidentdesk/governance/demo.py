"""The demo organisation's policy and procedure in force (issue 14): generated, approved and in force before the
demo's first incident is recorded, so each incident names the procedure version it was handled under."""

from __future__ import annotations

from typing import Any

from . import services
from .models import DocumentKind


def seed(*, by: Any) -> None:
    """Generate, submit and approve the policy and the procedure (and the inventory), with the administrator as
    owner. Does nothing for a document that already has a version."""
    for kind in (DocumentKind.INCIDENT_POLICY, DocumentKind.INCIDENT_PROCEDURE, DocumentKind.TOOL_INVENTORY):
        doc = services.document(kind)
        if doc.versions.exists():
            continue
        services.update_document(doc, by=by, owner=by)
        version = services.generate_draft(kind, by=by)
        services.submit(version, by=by)
        services.approve(version, by=by)
