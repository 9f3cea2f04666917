"""The audit log people can read (issue 13): filters, before/after in words, incident links, pages."""

import re
from datetime import UTC, datetime

import time_machine

from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents import lifecycle
from incidentdesk.incidents.access import restrict
from incidentdesk.incidents.services import update_incident


def _contain_and_move(incident, by):
    from incidentdesk.containment.services import contain

    contain(incident=incident, kind="correct_content", description="Took the post down",
            taken_at=incident.detected_at, taken_by="Ana", result="effective", by=by)
    lifecycle.transition(incident=incident, to="contained", by=by)


def _page(client, **params) -> str:
    return client.get("/audit/", params).content.decode()


def _seqs(client, **params) -> list[int]:
    return [row["event"].seq for row in client.get("/audit/", params).context["rows"]]


def test_a_change_reads_as_words_with_the_vocabulary_labels(record, people, as_person):
    incident = record()
    update_incident(incident=incident, by=people["manager"], changes={"personal_data.involved": True})
    _contain_and_move(incident, people["manager"])
    page = _page(as_person("auditor"), incident=incident.reference)
    assert "Status: Detected → Contained" in page
    assert "Is personal data involved?: No → Yes" in page
    assert "Moved the incident" in page
    assert '{"after"' not in page.split("Sealed record")[0]  # the raw JSON only inside "Sealed record"


def test_the_log_filters_by_person_incident_action_and_day(record, people, as_person):
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=UTC), tick=False):
        first = record()
    with time_machine.travel(datetime(2026, 11, 22, 10, tzinfo=UTC), tick=False):
        second = record(title="Second")
        _contain_and_move(second, people["responder"])
    client = as_person("auditor")
    by_responder = _seqs(client, person="p-responder")
    assert by_responder
    assert set(AuditEvent.objects.filter(seq__in=by_responder).values_list("actor_name", flat=True)) == {
        "p-responder"}
    refs = set(AuditEvent.objects.filter(seq__in=_seqs(client, incident=first.reference.lower()))
               .values_list("incident_ref", flat=True))
    assert refs == {first.reference}
    moved = _seqs(client, action="incident.transition")
    assert [AuditEvent.objects.get(seq=s).incident_ref for s in moved] == [second.reference]
    day = _seqs(client, date_from="2026-11-21", date_to="2026-11-22")
    assert day
    assert all(AuditEvent.objects.get(seq=s).at >= datetime(2026, 11, 20, 23, tzinfo=UTC) for s in day)


def test_an_incident_reference_is_a_link_and_a_restricted_ones_events_stay_hidden(record, people, as_person):
    shown = record()
    hidden = record(title="Restricted one")
    restrict(incident=hidden, restricted=True, people=[people["manager"]], by=people["manager"])
    page = _page(as_person("auditor"))
    assert f'<a href="/incidents/{shown.reference}/">{shown.reference}</a>' in page
    assert hidden.reference not in page


def test_the_log_is_paginated_and_pages_keep_the_filter(record, as_person):
    incident = record()
    for n in range(60):
        record(title=f"Other {n}")
    client = as_person("auditor")
    first = client.get("/audit/")
    assert first.context["page"].paginator.num_pages > 1
    html = _page(client, incident=incident.reference)
    assert not re.search(r'href="\?[^"]*page=2', html)  # one page for one incident
    html = _page(client)
    assert re.search(r'href="\?&amp;page=2"|href="\?page=2"|href="\?&page=2"', html)
