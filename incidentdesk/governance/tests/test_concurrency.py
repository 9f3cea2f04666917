"""Two people (or two accepted lessons) starting the next draft at once get one draft; two scheduler passes at
once put a version in force once. Meant for PostgreSQL (run the suite with INCIDENTDESK_DB_ENGINE=postgres);
it holds on SQLite too, where writes are serialised."""

import threading
from datetime import date

from django.db import connection

from incidentdesk.audit.models import AuditEvent
from incidentdesk.governance import services
from incidentdesk.governance.models import DocumentKind, DocumentVersion, VersionStatus

WORKERS = 5
PROC = DocumentKind.INCIDENT_PROCEDURE


def _parallel(work) -> list:
    results, errors = [], []

    def run():
        try:
            results.append(work())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_starting_the_next_draft_at_once_gives_one_draft(transactional_register):
    services.register()
    drafts = _parallel(lambda: services.start_draft(PROC, by=None).pk)
    assert len(set(drafts)) == 1
    assert DocumentVersion.objects.filter(document__kind=PROC).count() == 1


def test_two_passes_at_once_put_a_version_in_force_once(transactional_register):
    doc = services.register()[1]
    DocumentVersion.objects.create(document=doc, number=1, status=VersionStatus.IN_FORCE, body="x",
                                   effective_on=date(2026, 1, 1))
    second = DocumentVersion.objects.create(document=doc, number=2, status=VersionStatus.APPROVED, body="y",
                                            effective_on=date(2026, 6, 1))
    done = _parallel(lambda: [v.pk for v in services.bring_into_force(on=date(2026, 6, 1))])
    assert sorted(pk for batch in done for pk in batch) == [second.pk]
    assert AuditEvent.objects.filter(action="document.in_force").count() == 1
    assert AuditEvent.objects.filter(action="document.superseded").count() == 1
