"""The GDPR breach assessment: the ENISA recommendation kept current, and a person's decision beside it."""

import pytest

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.breaches.models import BreachAssessment
from incidentdesk.breaches.services import DecisionRefused, record_decision
from incidentdesk.incidents.lock import IncidentClosed
from incidentdesk.incidents.models import Incident

PERSONAL = {"published_externally": False,
            "personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["contact"]}}


def state():
    return table_counts() | {"breaches": list(BreachAssessment.objects.values())}


@pytest.fixture
def breach(record):
    return record(facts=PERSONAL)


def test_an_incident_with_personal_data_gets_a_recommendation_and_one_without_none(record, breach):
    row = BreachAssessment.objects.get(incident=breach)
    assert row.recommend_notify_authority is not None
    assert row.reasons
    assert row.decided_at is None
    assert not BreachAssessment.objects.filter(incident=record()).exists()
    assert AuditEvent.objects.filter(action="breach.recommendation", incident_ref=breach.reference).exists()


def test_a_decision_is_stored_beside_the_recommendation_and_audited(breach, manager):
    recommended = BreachAssessment.objects.get(incident=breach).recommend_notify_authority
    row = record_decision(incident=breach, notify_authority=False, communicate_subjects=False,
                          reasons="  One address, already corrected  ", by=manager)
    assert (row.decided_notify_authority, row.decided_communicate_subjects) == (False, False)
    assert row.decision_reasons == "One address, already corrected"
    assert row.decided_by == manager
    assert row.decided_at is not None
    row.refresh_from_db()
    assert row.recommend_notify_authority == recommended  # beside, never instead of
    event = AuditEvent.objects.get(action="breach.decided")
    assert event.actor_name == "manager"
    assert event.incident_ref == breach.reference


def test_a_decision_without_reasons_is_refused_and_stores_nothing(breach, manager):
    before = state()
    with pytest.raises(DecisionRefused, match="needs written reasons"):
        record_decision(incident=breach, notify_authority=True, communicate_subjects=False, reasons=" ", by=manager)
    assert state() == before


def test_no_decision_without_a_breach_assessment(record, manager):
    incident = record()
    before = state()
    with pytest.raises(DecisionRefused, match="has no breach assessment"):
        record_decision(incident=incident, notify_authority=True, communicate_subjects=False, reasons="r",
                        by=manager)
    assert state() == before


def test_a_closed_incident_is_locked(breach, manager):
    Incident.objects.filter(pk=breach.pk).update(status="closed")
    before = state()
    with pytest.raises(IncidentClosed):
        record_decision(incident=breach, notify_authority=True, communicate_subjects=True, reasons="r", by=manager)
    assert state() == before
