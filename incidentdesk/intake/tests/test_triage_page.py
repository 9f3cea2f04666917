"""The triage queue as people use it (issue 13): filters and sort, long text wrapped, the reporter's contact
shown in triage and on the incident it became, and a report added to an incident already recorded."""

from datetime import UTC, datetime

import pytest
import time_machine

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.intake import services
from incidentdesk.intake.models import AlertSource, Kind, TriageItem, TriageStatus
from incidentdesk.refusals import Refused

DAY1, DAY2 = datetime(2026, 11, 20, 9, tzinfo=UTC), datetime(2026, 11, 22, 9, tzinfo=UTC)


def _items(page) -> list[str]:
    return [item.title for item in page.context["items"]]


@pytest.fixture
def queue(organisation):
    source = AlertSource.objects.create(name="Grafana", slug="grafana")
    TriageItem.objects.create(kind=Kind.ALERT, reference="ALR-1", source=source, title="Model drift", details="PSI",
                              first_seen=DAY1, last_seen=DAY2, count=7)
    services.report(title="Chatbot was rude", details="It insulted me", contact="ana@example.org", now=DAY2)
    services.report(title="Anonymous worry", details="Nothing to reach me by", now=DAY1)


def test_the_queue_filters_by_source_text_and_received_day(queue, as_person):
    client = as_person("manager")
    assert sorted(_items(client.get("/triage/"))) == ["Anonymous worry", "Chatbot was rude", "Model drift"]
    assert _items(client.get("/triage/", {"source": "grafana"})) == ["Model drift"]
    assert sorted(_items(client.get("/triage/", {"source": "report"}))) == ["Anonymous worry", "Chatbot was rude"]
    assert _items(client.get("/triage/", {"q": "INSULTED"})) == ["Chatbot was rude"]
    assert _items(client.get("/triage/", {"received_from": "2026-11-21"})) == ["Chatbot was rude"]


def test_the_queue_sorts(queue, as_person):
    client = as_person("manager")
    assert _items(client.get("/triage/", {"sort": "-count"}))[0] == "Model drift"
    assert _items(client.get("/triage/", {"sort": "title"})) == ["Anonymous worry", "Chatbot was rude",
                                                                 "Model drift"]


def test_the_reporters_contact_is_shown_in_triage(queue, as_person):
    page = as_person("manager").get("/triage/").content.decode()
    assert "ana@example.org" in page
    assert "none given" in page


def test_the_reporters_contact_is_shown_on_the_incident_it_became(queue, people, as_person):
    item = TriageItem.objects.get(title="Chatbot was rude")
    with time_machine.travel(DAY2, tick=False):
        incident = services.promote(item=item, by=people["manager"])
    page = as_person("manager").get(f"/incidents/{incident.reference}/").content.decode()
    assert "ana@example.org" in page
    assert item.reference in page


def test_a_report_is_added_to_an_incident_already_recorded(queue, record, people, as_person):
    incident = record()
    item = TriageItem.objects.get(title="Chatbot was rude")
    response = as_person("responder").post(f"/triage/{item.pk}/add-to-incident/", {"into": incident.reference.lower()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.incident) == (TriageStatus.MERGED, incident)
    assert AuditEvent.objects.filter(action="triage.added_to_incident", incident_ref=incident.reference).exists()
    assert "ana@example.org" in as_person("manager").get(f"/incidents/{incident.reference}/").content.decode()


def test_adding_to_an_unknown_or_closed_incident_is_refused_and_changes_nothing(queue, record, people, as_person):
    item = TriageItem.objects.get(title="Chatbot was rude")
    before = table_counts()
    response = as_person("responder").post(f"/triage/{item.pk}/add-to-incident/", {"into": "INC-1999-001"},
                                           follow=True)
    assert "No incident INC-1999-001 that you can see" in response.content.decode()
    incident = record()
    incident.status = "closed"
    incident.save()
    before = table_counts()
    with pytest.raises(Refused, match="closed"):
        services.add_to_incident(item=item, incident=incident, by=people["manager"])
    assert table_counts() == before
    item.refresh_from_db()
    assert item.status == TriageStatus.OPEN
