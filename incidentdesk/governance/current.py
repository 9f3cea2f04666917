"""The version of a document in force now: what an incident records when it is recorded (issue 14, item 1).

Kept apart from ``services`` so the incidents app can ask without importing the generator (and its sources,
which read incidents' facts): the import runs one way.
"""

from __future__ import annotations

from .models import DocumentKind, DocumentVersion, VersionStatus


def in_force(kind: str) -> DocumentVersion | None:
    return (DocumentVersion.objects.filter(document__kind=kind, status=VersionStatus.IN_FORCE)
            .select_related("document").first())


def procedure_in_force() -> DocumentVersion | None:
    return in_force(DocumentKind.INCIDENT_PROCEDURE)
