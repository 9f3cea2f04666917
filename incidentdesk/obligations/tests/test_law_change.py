"""A law change is previewed before it applies, then applied to all or some open incidents, audited.

Each test edits a copy of the rule files (``rules_dir``) as an organisation does when the law changes,
at the suite's fixed time (``frozen_now``).
"""

import json
from datetime import UTC, datetime, timedelta

import pytest

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import Incident, Status
from incidentdesk.lessons.models import DocumentChange
from incidentdesk.obligations import lawchange
from incidentdesk.refusals import Forbidden

pytestmark = pytest.mark.usefixtures("frozen_now")

DETECTED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # the ``record`` fixture's detection time
CLASSIFY = "PROC-6-3-CLASSIFY"
CORRECT = "PROC-4-L2-CORRECT"
CLASSIFY_24H = 'deadline = { hours = 24 }\ncalendar = "exact"\ndone_when = "classified_at"'
NEW_VERSION = 'version = "1.1.0"\nlast_checked = "2026-12-01"'


def classify_in_12_hours(edit):
    """The procedure now asks for the definitive level within 12 hours (internal.toml 1.2.0)."""
    edit("internal.toml", CLASSIFY_24H, CLASSIFY_24H.replace("24", "12"))
    edit("internal.toml", NEW_VERSION, 'version = "1.2.0"\nlast_checked = "2026-11-21"')


def test_nothing_is_pending_while_the_rule_files_are_unchanged(record, rules_dir):
    incident = record()
    assert lawchange.preview().incidents == []
    assert lawchange.pending_count(None) == 0
    assert not lawchange.is_pending(incident)


def test_a_changed_deadline_shows_old_and_new_before_anything_changes(record, rules_dir):
    incident = record()
    classify_in_12_hours(rules_dir)
    counts, events = table_counts(), AuditEvent.objects.count()

    preview = lawchange.preview()

    assert lawchange.is_pending(incident)
    (shown,) = preview.incidents
    assert shown.reference == incident.reference
    assert shown.would_change
    (change,) = shown.material_changes
    assert (change.rule_id, change.kind, change.citation) == (CLASSIFY, "moves", "Seed procedure §6 step 3")
    assert (change.due_before, change.due_after) == (DETECTED + timedelta(hours=24), DETECTED + timedelta(hours=12))
    assert (change.version_before, change.version_after) == ("1.1.0", "1.2.0")
    (file,) = preview.files
    assert (file.regime, file.version, str(file.last_checked), file.computed_with) == (
        "internal", "1.2.0", "2026-11-21", ("1.1.0",))
    assert preview.changed_on.isoformat() == "2026-11-21"
    assert table_counts() == counts  # the preview stores nothing
    assert AuditEvent.objects.count() == events
    assert incident.obligations.get(rule_id=CLASSIFY).due_at == DETECTED + timedelta(hours=24)


def test_a_new_rule_appears_and_a_narrowed_one_disappears(record, rules_dir):
    incident = record()  # level 2, published: the correction clock runs
    assert incident.obligations.get(rule_id=CORRECT).status == "pending"
    rules_dir("internal.toml", '{ fact = "severity.level", gte = 2 }, { fact = "published_externally" }',
              '{ fact = "severity.level", gte = 3 }, { fact = "published_externally" }')
    rules_dir("internal.toml", NEW_VERSION, 'version = "1.2.0"\nlast_checked = "2026-11-21"')
    rules_dir("internal.toml", "[[obligation]]\nid = \"PROC-6-3-CLASSIFY\"", '''[[obligation]]
id = "PROC-NEW-BRIEF"
action = "Brief the management board"
recipient = "Management board"
citation = "Procedure §6 step 4 (amended)"
check = "P"
applies_from = "2026-04-21"
when = { always = true }
clock_start = "detected_at"
deadline = { hours = 48 }
calendar = "exact"

[[obligation]]
id = "PROC-6-3-CLASSIFY"''')

    kinds = {c.rule_id: c.kind for c in lawchange.preview().incidents[0].material_changes}

    assert kinds == {CORRECT: "disappears", "PROC-NEW-BRIEF": "appears"}


def test_applying_to_some_leaves_the_others_pending_and_audits_each(record, rules_dir, people):
    first, second = record(), record(title="Another wrong answer")
    classify_in_12_hours(rules_dir)

    applied = lawchange.apply(by=people["manager"], references=[first.reference.lower()])

    assert applied == [first.reference]
    assert first.obligations.get(rule_id=CLASSIFY).due_at == DETECTED + timedelta(hours=12)
    assert first.obligations.get(rule_id=CLASSIFY).rule_version == "1.2.0"
    assert second.obligations.get(rule_id=CLASSIFY).due_at == DETECTED + timedelta(hours=24)
    assert [i.reference for i in lawchange.preview().incidents] == [second.reference]
    event = AuditEvent.objects.get(action="obligations.reevaluated")
    assert (event.incident_ref, event.actor_name) == (first.reference, people["manager"].username)
    data = json.loads(event.data)
    assert data["before"]["rule_files"] == {"internal": "1.1.0"}
    assert data["after"]["rule_files"] == {"internal": "1.2.0"}
    assert data["after"][CLASSIFY]["due_at"].startswith("2026-11-20T20:00")
    assert "internal 1.1.0 → 1.2.0" in data["summary"]


def _procedure_reviewed(day, by) -> None:
    """The procedure's review recorded as done on ``day`` (the review date is derived from the reviews)."""
    from incidentdesk.governance.services import document
    from incidentdesk.reviews import cycle

    review = cycle.open_review(document("incident_procedure"), reason="annual", due_on=day, by=None)
    cycle.complete_without_change(review, reason="Reviewed", by=by, now=datetime(day.year, day.month, day.day, 12,
                                                                                 tzinfo=UTC))


def test_applying_to_all_opens_one_review_of_the_procedure(record, rules_dir, people):
    _procedure_reviewed(datetime(2026, 6, 1).date(), people["manager"])
    first = record()
    classify_in_12_hours(rules_dir)
    record(title="Recorded after the change")  # already computed with 1.2.0: not pending

    assert lawchange.apply(by=people["manager"]) == [first.reference]

    (line,) = DocumentChange.objects.filter(document="procedure")
    assert 'Rule file "Incident procedure (internal deadlines)" changed from version 1.1.0 to version 1.2.0' \
        in line.summary
    assert "review the procedure's legal sections" in line.summary
    assert first.reference not in line.summary  # the change log is shared: it names no incident
    assert str(line.changed_on) == "2026-11-22"
    assert lawchange.open_reviews(people["manager"]) == [line]
    assert AuditEvent.objects.filter(action="document.changed", object_id=str(line.pk)).exists()
    _procedure_reviewed(line.changed_on, people["manager"])  # the procedure was reviewed
    assert lawchange.open_reviews(people["manager"]) == []


def test_a_later_application_of_the_same_change_writes_no_second_review_line(record, rules_dir, people):
    first, second = record(), record()
    classify_in_12_hours(rules_dir)
    lawchange.apply(by=people["manager"], references=[first.reference])
    lawchange.apply(by=people["manager"], references=[second.reference])
    assert DocumentChange.objects.filter(document="procedure").count() == 1
    assert AuditEvent.objects.filter(action="obligations.reevaluated").count() == 2


def test_a_closed_incident_keeps_its_law_and_is_refused(record, rules_dir, people):
    kept, closed = record(), record()
    Incident.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    classify_in_12_hours(rules_dir)
    assert [i.reference for i in lawchange.preview().incidents] == [kept.reference]
    assert not lawchange.is_pending(Incident.objects.get(pk=closed.pk))
    counts = table_counts()

    with pytest.raises(lawchange.ClosedKeepsItsLaw, match="a closed incident keeps the law that applied"):
        lawchange.apply(by=people["manager"], references=[kept.reference, closed.reference])

    assert table_counts() == counts  # refused before anything was stored, for the open one too
    assert closed.obligations.get(rule_id=CLASSIFY).rule_version == "1.1.0"


def test_only_those_who_may_classify_apply_a_law_change(record, rules_dir, people):
    incident = record()
    classify_in_12_hours(rules_dir)
    counts = table_counts()
    with pytest.raises(Forbidden):
        lawchange.apply(by=people["responder"], references=[incident.reference])
    assert table_counts() == counts


def test_a_rule_removed_from_the_files_stops_asking_and_is_no_longer_pending(record, rules_dir, people):
    incident = record()
    rules_dir("internal.toml", 'id = "PROC-4-L2-CORRECT"', 'id = "PROC-4-L2-CORRECT-PUBLICATION"')
    (shown,) = lawchange.preview().incidents
    kinds = {c.rule_id: c.kind for c in shown.material_changes}
    assert kinds == {CORRECT: "disappears", "PROC-4-L2-CORRECT-PUBLICATION": "appears"}

    lawchange.apply(by=people["manager"], references=[incident.reference])

    row = incident.obligations.get(rule_id=CORRECT)
    assert (row.status, row.reasons[-1]) == ("not_required", f"Does not apply: rule {CORRECT} is no longer in "
                                                             "the rule files")
    assert incident.obligations.get(rule_id="PROC-4-L2-CORRECT-PUBLICATION").status == "pending"
    assert lawchange.preview().incidents == []
    assert not lawchange.is_pending(incident)


def test_a_restricted_incident_is_neither_shown_nor_applied_for_someone_not_named(record, rules_dir, people):
    from incidentdesk.incidents import access

    hidden = record(title="Restricted")
    access.restrict(incident=hidden, restricted=True, people=[], by=people["administrator"])
    classify_in_12_hours(rules_dir)
    assert lawchange.preview(people["manager"]).incidents == []
    with pytest.raises(lawchange.NotFound):
        lawchange.apply(by=people["manager"], references=[hidden.reference])
    assert [i.reference for i in lawchange.preview(people["administrator"]).incidents] == [hidden.reference]
