"""The workspace's feed in words: who moved the incident, and why a deadline moved (issue 13)."""

from datetime import UTC, datetime

import time_machine

from incidentdesk.documents import timeline
from incidentdesk.incidents import services

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PERSONAL = {"published_externally": False, "personal_data": {"involved": True}}


def test_correcting_awareness_moves_the_gdpr_deadline_and_the_feed_says_why(record, manager):
    with time_machine.travel(NOW, tick=False):
        incident = record(facts=PERSONAL, aware_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
        services.update_incident(incident=incident, by=manager, now=NOW,
                                 changes={"aware_at": datetime(2026, 11, 21, 9, 0, tzinfo=UTC)})
    texts = [line.text for line in timeline.lines(incident)]
    moved = [t for t in texts if t.startswith("The deadline to \u201cNotify the supervisory authority")]
    assert len(moved) == 1, texts
    assert "moved from 2026-11-23" in moved[0]
    assert "to 2026-11-24" in moved[0]
    assert moved[0].endswith("because \u201cAwareness time\u201d was corrected")


def test_a_status_move_reads_with_the_person_as_its_subject(record, manager):
    from incidentdesk.audit.models import AuditEvent

    incident = record()
    event = AuditEvent(seq=1, at=NOW, actor_name="Ana", action="incident.transition", object_type="incident",
                       object_id=str(incident.pk), data='{"before": {"status": "contained"}, '
                                                        '"after": {"status": "classified", "reason": ""}}')
    line = timeline.lines(incident, [event])[0]
    assert line.sentence == "moved the incident from contained to classified"
    assert line.text == "Status changed from Contained to Classified"  # the report keeps its wording
