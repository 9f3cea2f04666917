"""An accepted lesson is a dated change in its document's log; a rejection needs a reason."""

import pytest

from incidentdesk.incidents import section8
from incidentdesk.lessons import services
from incidentdesk.lessons.models import DocumentChange


def test_accepting_a_lesson_writes_the_change_log(record, manager):
    incident = record()
    lesson = services.propose(incident=incident, target="policy", text="Forbid client data in free chatbots",
                              by=manager)
    services.decide(lesson=lesson, accept=True, by=manager, summary="Section 4.2 added: no client data")
    change = DocumentChange.objects.get()
    assert change.document == "policy"
    assert incident.reference in change.summary
    incident.refresh_from_db()
    assert "AI usage policy: Section 4.2 added" in section8.resulting_changes(incident)


def test_rejecting_needs_a_reason_and_a_decision_is_final(record, manager):
    lesson = services.propose(incident=record(), target="training", text="More training", by=manager)
    with pytest.raises(services.LessonRefused, match="say why"):
        services.decide(lesson=lesson, accept=False, by=manager)
    services.decide(lesson=lesson, accept=False, by=manager, reason="Covered by the annual session")
    with pytest.raises(services.LessonRefused, match="already rejected"):
        services.decide(lesson=lesson, accept=True, by=manager)
