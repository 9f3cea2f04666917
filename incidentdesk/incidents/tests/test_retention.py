"""Retention: only closed incidents past the retention period can be deleted, explicitly and logged."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify
from incidentdesk.incidents import retention
from incidentdesk.incidents.models import Incident
from incidentdesk.lessons.models import DocumentChange

NOW = datetime(2032, 6, 1, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("evidence_dir")  # conftest.py: evidence in a folder per test


@pytest.fixture
def old_closed(record, manager):
    from incidentdesk.evidence.services import add_evidence
    from incidentdesk.lessons import services as lessons

    incident = record(detected_at=datetime(2026, 11, 20, 8, tzinfo=UTC))
    evidence = add_evidence(incident=incident, stream=io.BytesIO(b"log\n"), name="chat.log", by=manager)
    lesson = lessons.propose(incident=incident, target="policy", text="No client data in chatbots", by=manager)
    lessons.decide(lesson=lesson, accept=True, by=manager)
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    return incident, evidence


def test_a_closed_incident_past_retention_is_deleted_and_the_deletion_logged(old_closed, manager):
    incident, evidence = old_closed
    path = evidence.file.path
    assert list(retention.past_retention(NOW)) == [incident]
    retention.delete_incident(incident=incident, by=manager, reason="Five years passed", now=NOW)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    event = AuditEvent.objects.get(action="incident.deleted")
    assert evidence.sha256 in event.data
    assert "Five years passed" in event.data
    assert DocumentChange.objects.count() == 1  # the policy change log outlives the incident
    import os

    assert not os.path.exists(path)
    assert verify().ok


def test_an_incident_within_retention_cannot_be_deleted(old_closed, manager):
    incident, _ = old_closed
    with pytest.raises(retention.RetentionRefused, match="not yet past the retention period"):
        retention.delete_incident(incident=incident, by=manager, reason="tidy", now=datetime(2027, 1, 1, tzinfo=UTC))
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_the_cli_lists_before_it_deletes(old_closed, time_machine, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    time_machine.move_to(NOW)
    out = io.StringIO()
    call_command("incidentdesk", "retention", stdout=out)
    assert "1 incident(s) past retention" in out.getvalue()
    assert Incident.objects.count() == 1
    call_command("incidentdesk", "--as", "root", "retention", "--delete", "--yes", stdout=out)
    assert Incident.objects.count() == 0
    assert AuditEvent.objects.get(action="incident.deleted").actor_name == "root"


def test_an_incident_closed_five_hours_ago_is_never_deleted_even_with_zero_years(record, manager,
                                                                                django_user_model):
    from django.utils import timezone

    from incidentdesk.organisation.models import Organisation

    now = timezone.now()
    incident = record(detected_at=now - timedelta(hours=5), now=now)
    # The profile now refuses 0 (and anything under 5 years without a reason); a row saved before that may hold it.
    Organisation.objects.filter(pk=1).update(retention_years=0)
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    django_user_model.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    out = io.StringIO()
    call_command("incidentdesk", "--as", "root", "retention", "--delete", "--yes", stdout=out)
    assert "No closed incident is past the retention period" in out.getvalue()
    assert Incident.objects.filter(pk=incident.pk).exists()
    with pytest.raises(retention.RetentionRefused, match="not yet past the retention period"):
        retention.delete_incident(incident=incident, by=manager, reason="tidy")
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_an_old_incident_closed_less_than_a_day_ago_is_kept(old_closed, manager):
    incident, _ = old_closed
    Incident.objects.filter(pk=incident.pk).update(updated_at=NOW - timedelta(hours=2))
    assert list(retention.past_retention(NOW)) == []
    Incident.objects.filter(pk=incident.pk).update(updated_at=NOW - timedelta(days=2))
    assert list(retention.past_retention(NOW)) == [incident]
