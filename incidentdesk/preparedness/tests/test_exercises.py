"""Exercise mode (issue 15): an exercise is an incident flagged from birth, run through the normal services.

Its injects change the facts through ``update_incident``, so the severity and the clocks react as they would;
each is revealed once, not after the end; bad input stores nothing; completing one is the yearly tabletop.
"""

from datetime import timedelta

import pytest
import time_machine

from conftest import NOW, table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import Incident
from incidentdesk.obligations.models import ObligationStatus
from incidentdesk.preparedness import report, scenarios, scoring, services
from incidentdesk.preparedness.tabletop import last_tabletop_on
from incidentdesk.refusals import Refused

pytestmark = pytest.mark.django_db


def test_an_exercise_is_an_incident_flagged_from_birth(start, facilitator):
    exercise = start()
    incident = exercise.incident
    assert incident.is_exercise
    assert incident.detected_at == NOW == exercise.started_at
    assert exercise.facilitator == facilitator
    assert not exercise.completed
    assert incident.severity_level == 2  # published externally: the scenario's level
    assert AuditEvent.objects.filter(action="exercise.started", incident_ref=incident.reference).exists()
    assert AuditEvent.objects.filter(action="incident.created", incident_ref=incident.reference).exists()


def test_an_inject_changes_the_facts_and_the_clocks_react(start):
    exercise = start()
    incident = exercise.incident
    assert not incident.obligations.filter(rule_id="PROC-4-L2-INVENTORY",
                                           status=ObligationStatus.PENDING).exists()
    at = NOW + timedelta(minutes=20)
    services.reveal(exercise=exercise, inject="personal-account", by=exercise.facilitator, now=at)
    incident.refresh_from_db()
    clock = incident.obligations.get(rule_id="PROC-4-L2-INVENTORY")
    assert clock.status == ObligationStatus.PENDING  # a tool outside the inventory: the level 2 clock starts
    assert "ChatGPT (personal account)" in [t.name for t in incident.tools.all()]
    assert exercise.revealed.get().revealed_at == at
    assert AuditEvent.objects.filter(action="exercise.inject_revealed", incident_ref=incident.reference).exists()


def test_a_revealed_time_is_the_moment_of_revealing(start):
    exercise = start("level4-art73")
    at = NOW + timedelta(minutes=12)
    services.reveal(exercise=exercise, inject="doctor", by=exercise.facilitator, now=at)
    exercise.incident.refresh_from_db()
    assert exercise.incident.causal_link_established_at == at
    assert exercise.incident.severity_level == 4


def test_each_inject_is_revealed_once_and_a_second_time_stores_nothing(start):
    exercise = start()
    services.reveal(exercise=exercise, inject="newsletter", by=exercise.facilitator, now=NOW)
    before = table_counts()
    with pytest.raises(Refused, match="already revealed"):
        services.reveal(exercise=exercise, inject="newsletter", by=exercise.facilitator, now=NOW)
    with pytest.raises(Refused, match="no inject"):
        services.reveal(exercise=exercise, inject="no-such-inject", by=exercise.facilitator, now=NOW)
    assert table_counts() == before


def test_an_unknown_scenario_is_refused_and_stores_nothing(facilitator, inventory):
    before = table_counts()
    with pytest.raises(Refused, match="no scenario"):
        services.start(scenario="level9-apocalypse", by=facilitator, now=NOW)
    assert table_counts() == before


def test_ending_completes_the_yearly_tabletop_and_stops_the_injects(start):
    exercise = start()
    assert last_tabletop_on() is None
    services.end(exercise=exercise, by=exercise.facilitator, now=NOW + timedelta(hours=1))
    assert last_tabletop_on() == (NOW + timedelta(hours=1)).date()
    with pytest.raises(Refused, match="ended"):
        services.reveal(exercise=exercise, inject="newsletter", by=exercise.facilitator, now=NOW)
    with pytest.raises(Refused, match="already ended"):
        services.end(exercise=exercise, by=exercise.facilitator)


def test_a_real_incident_is_not_an_exercise(record):
    incident = record()
    assert not incident.is_exercise
    with pytest.raises(Refused, match="real incident"):
        services.exercise_of(incident)


@pytest.mark.parametrize("key", list(scenarios.library()))
def test_every_scenario_runs_with_every_inject(start, key):
    """The library is data: each scenario records, and each inject applies through the normal services."""
    exercise = start(key)
    chosen = scenarios.get(key)
    assert exercise.incident.severity_level >= 1
    assert chosen.injects
    for inject in chosen.injects:
        services.reveal(exercise=exercise, inject=inject.key, by=exercise.facilitator,
                        now=NOW + timedelta(minutes=inject.after_minutes))
    assert exercise.revealed.count() == len(chosen.injects)
    exercise.incident.refresh_from_db()
    assert exercise.incident.severity_level == chosen.level


def test_the_library_has_the_four_cases_the_issue_names():
    levels = {s.key: s.level for s in scenarios.library().values()}
    assert levels["level2-publication"] == 2
    assert levels["level3-personal-data"] == 3
    assert levels["level4-art73"] == 4
    assert "prompt-injection" in levels


def test_drafts_and_the_report_of_an_exercise_say_exercise(start):
    from incidentdesk.documents import report as incident_report
    from incidentdesk.notifications import services as notifications

    exercise = start("level3-personal-data")
    draft = notifications.create_draft(incident=exercise.incident, kind="gdpr_33", by=exercise.facilitator)
    assert draft.subject.startswith("EXERCISE")
    assert "EXERCISE — not a real incident" in draft.body
    edited = notifications.edit_draft(draft=draft, subject="Plain subject", body="Plain body", by=exercise.facilitator)
    assert edited.subject.startswith("EXERCISE")
    assert edited.body.startswith("> **EXERCISE")
    assert incident_report.title(exercise.incident).startswith("EXERCISE")
    assert incident_report.sections(exercise.incident)[0][0] == "EXERCISE"


def test_a_real_incidents_draft_says_nothing_of_exercises(record):
    from incidentdesk.notifications import services as notifications

    incident = record(facts={"personal_data": {"involved": True}, "published_externally": False})
    draft = notifications.create_draft(incident=incident, kind="gdpr_33", by=None)
    assert "EXERCISE" not in draft.subject + draft.body


@time_machine.travel(NOW, tick=False)
def test_the_exercise_report_scores_the_team_against_the_clocks(start):
    from incidentdesk.containment.services import contain
    from incidentdesk.incidents.services import classify

    exercise = start("level2-publication")
    incident = exercise.incident
    contain(incident=incident, kind="correct_content", taken_at=NOW + timedelta(minutes=50), taken_by="Web editor",
            result="effective", by=exercise.facilitator, now=NOW + timedelta(hours=1))
    with time_machine.travel(NOW + timedelta(hours=30), tick=False):
        classify(incident=incident, level=2, reasoning="Published, no personal data.", by=exercise.facilitator,
                 now=NOW + timedelta(hours=30))
    rows = {r.measure.key: r for r in scoring.score(exercise)}
    assert rows["contain"].met is True
    assert "50 min after the exercise began" in rows["contain"].words
    assert "met, with 1 day 23 h 10 min to spare" in rows["contain"].words  # 48 hours to correct the publication
    assert rows["classify"].met is False
    assert "missed by 6 h 00 min" in rows["classify"].words
    assert rows["gdpr"].met is None
    assert rows["notify"].met is None
    text = dict(report.sections(exercise))["Against the clocks"]
    assert text.startswith("1 of 2 deadlines met.")


def test_durations_read_as_words():
    assert scoring.duration(timedelta(minutes=45)) == "45 min"
    assert scoring.duration(timedelta(hours=2, minutes=5)) == "2 h 05 min"
    assert scoring.duration(timedelta(days=1, hours=3)) == "1 day 3 h 00 min"


def test_the_register_counts_an_exercise_as_an_incident_row_only_when_asked(start, record):
    record()
    start()
    assert Incident.objects.count() == 2
    assert Incident.objects.real().count() == 1


def test_a_restricted_exercise_is_listed_only_for_the_people_named_on_it(start, as_person, people):
    from incidentdesk.incidents import access

    exercise = start()
    access.restrict(incident=exercise.incident, restricted=True, people=[people["manager"]], by=people["manager"])
    assert exercise.incident.reference not in as_person("viewer").get("/exercises/").content.decode()
    assert exercise.incident.reference in as_person("manager").get("/exercises/").content.decode()


def test_a_responder_may_not_start_or_run_an_exercise(start, as_person):
    exercise = start()
    client = as_person("responder")
    assert client.post("/exercises/start/", {"scenario": "level2-publication"}).status_code == 403
    reference = exercise.incident.reference
    assert client.post(f"/incidents/{reference}/exercise/reveal/", {"inject": "newsletter"}).status_code == 403
    assert client.post(f"/incidents/{reference}/exercise/end/").status_code == 403
    assert not exercise.revealed.exists()
