"""Events of a deleted restricted incident stay restricted (issue 10).

Retention deletes the incident and, with it, the list of people named on it; its audit events cannot be
deleted. Before the tombstone, every auditor then read them, description included. Now only those named
before the deletion read them, on the audit page and in the admin's audit list; administrators not named
follow the same rule as for a live restricted incident. The report that became the incident goes with it,
and its first event (which names no incident) stays hidden too.
"""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify
from incidentdesk.incidents.access import restrict
from incidentdesk.incidents.models import Incident
from incidentdesk.intake import services as intake
from incidentdesk.intake.models import TriageItem
from incidentdesk.retention import services as retention


def _delete(incident, people, now):
    """Retention's two people: the incident manager proposes, an administrator confirms."""
    retention.propose_deletion(incident=incident, reason="Retention ended", by=people["manager"], now=now)
    retention.confirm_deletion(incident=incident, by=people["administrator"], now=now)

CREATED = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LATER = datetime(2032, 6, 1, 12, 0, tzinfo=UTC)
DESCRIPTION = "Board member's medical file pasted into the chatbot"
REPORT_TITLE = "Someone pasted a medical file into ChatGPT"

pytestmark = pytest.mark.usefixtures("evidence_dir")


@pytest.fixture
def deleted(people, organisation):
    """A restricted incident promoted from a public report, named: the manager (who restricted it) and one
    auditor; closed, then deleted by retention years later."""
    with time_machine.travel(CREATED, tick=False):
        item, _ = intake.report(title=REPORT_TITLE, details=DESCRIPTION)
        incident = intake.promote(item=item, by=people["manager"])
        Incident.objects.filter(pk=incident.pk).update(description=DESCRIPTION)
        restrict(incident=incident, restricted=True, people=[people["auditor"]], by=people["manager"])
        Incident.objects.filter(pk=incident.pk).update(status="closed")
    with time_machine.travel(LATER, tick=False):
        incident.refresh_from_db()
        _delete(incident, people, LATER)
    return incident.reference, item.pk


@pytest.fixture
def second_auditor(db):
    from incidentdesk.accounts.services import add_person

    return add_person(username="p-auditor-2", password="a-long-test-password", role="auditor", by=None)


def _page(client, **params):
    response = client.get("/audit/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_deletion_keeps_a_tombstone_of_the_restriction(deleted, people):
    from incidentdesk.incidents.models import DeletedIncident

    reference, item_pk = deleted
    kept = DeletedIncident.objects.get(reference=reference)
    assert kept.restricted
    assert set(kept.named.values_list("username", flat=True)) == {"p-manager", "p-auditor"}
    assert kept.triage_items == [item_pk]
    assert not TriageItem.objects.filter(pk=item_pk).exists()
    assert verify().ok


def _unechoed(page, reference):
    """The page without the filter box, which shows what was typed in it."""
    return page.replace(f'value="{reference}"', "")


@pytest.mark.parametrize("persona", ["administrator", "other auditor"])
def test_people_not_named_do_not_read_the_deleted_incidents_history(deleted, people, client, second_auditor,
                                                                     persona):
    reference, _ = deleted
    user = people["administrator"] if persona == "administrator" else second_auditor
    client.force_login(user)
    for page in (_page(client), _page(client, incident=reference)):
        page = _unechoed(page, reference)
        assert reference not in page
        assert DESCRIPTION not in page
        assert REPORT_TITLE not in page
    visible = AuditEvent.objects.visible_to(user)
    assert not visible.filter(incident_ref=reference).exists()
    assert not visible.filter(action="report.received").exists()


def test_the_people_named_still_read_it(deleted, as_person, people):
    reference, _ = deleted
    page = _page(as_person("auditor"), incident=reference)
    assert "incident.deleted" in page
    assert "incident.created" in page
    assert AuditEvent.objects.visible_to(people["auditor"]).filter(action="report.received").exists()


def test_the_admins_audit_list_hides_it_from_a_superuser_not_named(deleted, client):
    reference, _ = deleted
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    client.force_login(boss)
    response = client.get("/admin/audit/auditevent/")
    assert response.status_code == 200
    assert reference not in response.content.decode()
    assert not response.context["cl"].queryset.filter(incident_ref=reference).exists()
    searched = client.get("/admin/audit/auditevent/", {"q": reference})
    assert searched.context["cl"].result_count == 0


def test_an_unrestricted_deleted_incident_stays_readable_by_auditors(record, people, second_auditor, client):
    with time_machine.travel(CREATED, tick=False):
        incident = record(detected_at=datetime(2026, 11, 20, 8, tzinfo=UTC))
        Incident.objects.filter(pk=incident.pk).update(status="closed")
    with time_machine.travel(LATER, tick=False):
        _delete(incident, people, LATER)
    from incidentdesk.incidents.models import DeletedIncident

    assert not DeletedIncident.objects.get(reference=incident.reference).restricted
    client.force_login(second_auditor)
    assert incident.reference in _page(client, incident=incident.reference)


def test_the_command_line_deletion_keeps_the_restriction_too(people, organisation):
    from incidentdesk.incidents.services import record_incident

    with time_machine.travel(CREATED, tick=False):
        incident = record_incident(title="Restricted one", description=DESCRIPTION, by=people["manager"],
                                   detected_at=datetime(2026, 11, 20, 8, tzinfo=UTC))
        restrict(incident=incident, restricted=True, people=[people["administrator"]], by=people["manager"])
        Incident.objects.filter(pk=incident.pk).update(status="closed")
    with time_machine.travel(LATER, tick=False):
        call_command("incidentdesk", "--as", "p-manager", "retention", "propose", incident.reference,
                     stdout=io.StringIO())
        call_command("incidentdesk", "--as", "p-administrator", "retention", "confirm", incident.reference, "--yes",
                     stdout=io.StringIO())
    from incidentdesk.incidents.models import DeletedIncident

    assert DeletedIncident.objects.get(reference=incident.reference).restricted
    assert not AuditEvent.objects.visible_to(people["auditor"]).filter(incident_ref=incident.reference).exists()
    assert AuditEvent.objects.visible_to(people["manager"]).filter(incident_ref=incident.reference).exists()
