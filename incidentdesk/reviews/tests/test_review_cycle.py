"""The review cycle: reviews open after a level 2+ incident closes, after a law changes, and yearly; they are
done by approving a new version or by "reviewed, no change" with a reason; the procedure's review date is derived."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import NOW, table_counts
from incidentdesk.reviews.words import describe

RCA = {"what_happened": "Bot invented a policy", "why": "No grounding on the policy page",
       "what_was_done": "Bot switched off", "impact": "Three clients misinformed",
       "what_changes": "Ground answers on approved pages", "cause_categories": ["tool_failure"]}
NO_HARM = dict.fromkeys(("death", "serious_health_harm", "critical_infrastructure_disruption",
                         "fundamental_rights_breach", "serious_property_or_environment_harm",
                         "widespread_infringement", "imminent_risk_of_death_or_injury",
                         "algorithmic_discrimination", "critical_safety_incident"), False)
LEVEL_2 = {"published_externally": True, "personal_data": {"involved": False}, "caught_in_review": False,
           "client_data_affected": False, "automated_decision_without_human_review": False, "harm": NO_HARM}
LEVEL_1 = LEVEL_2 | {"published_externally": False, "caught_in_review": True}


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


def _reviews():
    from incidentdesk.reviews.models import DocumentReview

    return DocumentReview.objects.order_by("pk")


def _recorded(record, by, facts=LEVEL_2, **kwargs):
    """An incident with an inventory tool (a tool outside the inventory would keep a clock open)."""
    from incidentdesk.inventory.models import AITool
    from incidentdesk.inventory.services import save_tool

    if not AITool.objects.filter(name="Website chatbot").exists():
        save_tool(by=by, name="Website chatbot")
    return record(facts=facts, by=by, tools=["Website chatbot"], **kwargs)


def _close(incident, by, level: int) -> None:
    """Take an incident through every step to closed, as the procedure asks."""
    from incidentdesk.containment.services import contain
    from incidentdesk.incidents import lifecycle
    from incidentdesk.incidents.services import classify
    from incidentdesk.investigation.services import save_analysis
    from incidentdesk.lessons import services as lessons
    from incidentdesk.obligations.services import complete_obligation

    contain(incident=incident, kind="correct_content", taken_at=NOW, taken_by="Ana", by=by, now=NOW,
            result="effective")
    classify(incident=incident, level=level, reasoning="As the facts say", by=by, now=NOW)
    if level >= 2:
        save_analysis(incident=incident, by=by, complete=True, now=NOW, **RCA)
        lesson = lessons.propose(incident=incident, target="training", text="Review bot answers weekly", by=by)
        lessons.decide(lesson=lesson, accept=True, by=by)
    for o in incident.obligations.filter(status="pending"):
        complete_obligation(incident=incident, rule_id=o.rule_id, at=NOW, by=by, now=NOW)
    for status in ("contained", "classified", "investigating", "resolved", "closed"):
        lifecycle.transition(incident=incident, to=status, by=by)


def test_closing_a_level_2_incident_opens_a_review_of_the_procedure(people, record, now):
    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.incidents import lifecycle

    manager = people["manager"]
    incident = _recorded(record, manager)
    assert incident.severity_level == 2
    _close(incident, manager, level=2)
    review = _reviews().get()
    assert (review.document.kind, review.reason, review.incident, review.status) == (
        "incident_procedure", "incident", incident, "open")
    assert review.assignee == manager  # the incident's manager: the procedure has no owner yet
    assert review.due_on == date(2026, 12, 22)  # 30 days after the close (cycle.toml)
    assert AuditEvent.objects.filter(action="review.opened", incident_ref=incident.reference).count() == 1
    # reopened and closed again: the same incident asks for one review, not two
    lifecycle.transition(incident=incident, to="investigating", by=manager, reason="Client wrote again")
    lifecycle.transition(incident=incident, to="resolved", by=manager)
    lifecycle.transition(incident=incident, to="closed", by=manager)
    assert _reviews().count() == 1


def test_closing_a_level_1_incident_opens_no_review(people, record, now):
    incident = _recorded(record, people["manager"], facts=LEVEL_1)
    assert incident.severity_level == 1
    _close(incident, people["manager"], level=1)
    assert incident.status == "closed"
    assert not _reviews().exists()


@pytest.fixture
def procedure_in_force(people, now):
    """The incident procedure generated from what the system knows and approved (as the demo does)."""
    from incidentdesk.governance.demo import seed
    from incidentdesk.governance.models import DocumentVersion

    seed(by=people["administrator"])
    return DocumentVersion.objects.get(document__kind="incident_procedure", status="in_force")


def _title(regime: str) -> str:
    from incidentdesk.assessment.rulebook import default_rulebook

    return default_rulebook().regimes[regime].meta.title


@pytest.fixture
def rule_files(tmp_path, monkeypatch):
    """A copy of the rule files that ``default_rulebook()`` reads for this test; ``new_version(file, version)``
    gives one of them a new version, as an update of the law would."""
    import re
    import shutil

    from incidentdesk.assessment import rulebook

    folder = tmp_path / "rules"
    shutil.copytree(rulebook.RULES_DIR, folder)
    monkeypatch.setattr(rulebook, "RULES_DIR", folder)
    rulebook.default_rulebook.cache_clear()

    def new_version(name: str, version: str) -> None:
        path = folder / name
        path.write_text(re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', path.read_text(), count=1))
        rulebook.default_rulebook.cache_clear()

    yield new_version
    monkeypatch.undo()
    rulebook.default_rulebook.cache_clear()


def test_a_new_rule_file_version_for_an_applicable_regime_opens_one_review(rule_files, procedure_in_force, now):
    from incidentdesk.reviews import cycle

    assert _title("gdpr") in procedure_in_force.sources["rules"]  # the GDPR applies to the test organisation
    assert cycle.law_change_reviews(NOW) == []  # the procedure was written with today's files: nothing changed
    rule_files("gdpr.toml", "2099.1.1")
    (review,) = cycle.law_change_reviews(NOW)
    assert (review.reason, review.rule_file, review.rule_version, review.document.kind) == (
        "law_change", "gdpr", "2099.1.1", "incident_procedure")
    assert review.assignee.get_username() == "p-administrator"  # the procedure's owner
    assert describe(review) == \
        "the rules for \u201cGDPR — Regulation (EU) 2016/679\u201d have a new version (2099.1.1)"
    cycle.scheduled(NOW + timedelta(hours=1))  # the next pass finds the same change: no second review
    assert _reviews().count() == 1


def test_a_new_version_of_a_law_that_does_not_apply_or_of_our_own_rules_opens_nothing(rule_files,
                                                                                      procedure_in_force, now):
    from incidentdesk.reviews import cycle

    assert _title("dora") not in procedure_in_force.sources["rules"]  # the test organisation is no financial entity
    for name in ("dora.toml", "severity.toml", "internal.toml"):
        rule_files(name, "2099.1.1")
    assert cycle.law_change_reviews(NOW) == []
    assert not _reviews().exists()


def test_applying_a_law_change_opens_the_review_at_once(rule_files, procedure_in_force, people, record, now):
    from incidentdesk.obligations import lawchange

    incident = record(by=people["manager"])
    rule_files("gdpr.toml", "2099.1.1")
    lawchange.apply(by=people["manager"], references=[incident.reference])
    (review,) = _reviews()
    assert (review.rule_file, review.rule_version) == ("gdpr", "2099.1.1")


def test_the_annual_review_opens_a_month_before_the_next_review_date(procedure_in_force, now):
    from incidentdesk.reviews import cycle

    next_review = procedure_in_force.document.next_review_on
    assert next_review == date(2027, 11, 22)
    assert cycle.annual_reviews(NOW) == []
    opened = cycle.annual_reviews(NOW + timedelta(days=335))
    assert {r.document.kind for r in opened} == {"incident_policy", "incident_procedure", "tool_inventory"}
    assert {r.due_on for r in opened} == {next_review}
    assert cycle.annual_reviews(NOW + timedelta(days=336)) == []


def _open_review(by=None, reason="annual"):
    from incidentdesk.governance.services import document
    from incidentdesk.reviews.cycle import open_review

    return open_review(document("incident_procedure"), reason=reason, due_on=date(2026, 12, 31), by=by)


@pytest.mark.parametrize("reason", ["", "   "])
def test_no_change_without_a_reason_is_refused_and_stores_nothing(people, now, reason):
    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.reviews import cycle

    review = _open_review()
    before, events = table_counts(), AuditEvent.objects.count()
    with pytest.raises(cycle.ReviewRefused, match="say why the document needs no change"):
        cycle.complete_without_change(review, reason=reason, by=people["manager"])
    review.refresh_from_db()
    assert review.status == "open"
    assert (table_counts(), AuditEvent.objects.count()) == (before, events)


def test_no_change_with_a_reason_completes_it_and_moves_the_annual_date(people, now):
    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.refusals import Conflict, Forbidden
    from incidentdesk.reviews import cycle
    from incidentdesk.reviews.last import procedure_reviewed_on

    review = _open_review()
    with pytest.raises(Forbidden):
        cycle.complete_without_change(review, reason="Looked at it", by=people["viewer"])
    assert procedure_reviewed_on() is None
    cycle.complete_without_change(review, reason="Sections 5 and 7 still match the law", by=people["manager"])
    review.refresh_from_db()
    assert (review.status, review.outcome, review.completed_by) == (
        "no_change", "Sections 5 and 7 still match the law", people["manager"])
    assert review.document.next_review_on == date(2027, 11, 22)
    assert procedure_reviewed_on() == date(2026, 11, 22)
    assert AuditEvent.objects.filter(action="review.completed", actor_name="p-manager").count() == 1
    with pytest.raises(Conflict, match="already done"):
        cycle.complete_without_change(review, reason="Again", by=people["manager"])


def test_approving_a_new_version_completes_the_open_reviews(procedure_in_force, people, now, time_machine):
    from incidentdesk.governance import services as governance
    from incidentdesk.reviews.last import procedure_reviewed_on

    review = _open_review(reason="incident")  # no incident: as after one deleted since
    assert procedure_reviewed_on() == date(2026, 11, 22)  # the demo's approval today
    time_machine.move_to(NOW + timedelta(days=3), tick=False)
    draft = governance.start_draft("incident_procedure", by=people["manager"])
    governance.edit_draft(draft, by=people["manager"], body=draft.body + "\n\nSection 9: reviewed after INC-1.")
    governance.submit(draft, by=people["manager"])
    governance.approve(draft, by=people["administrator"])
    review.refresh_from_db()
    assert (review.status, review.version_id, review.completed_by) == ("changed", draft.pk, people["administrator"])
    assert procedure_reviewed_on() == date(2026, 11, 25)


def test_my_work_and_the_readiness_check_read_the_reviews(procedure_in_force, people, now):
    from incidentdesk import readiness, work

    review = _open_review()
    assert review.assignee == people["administrator"]
    mine = [i for i in work.collect(people["administrator"], NOW) if i.object_type == "documentreview"]
    assert [(i.kind, i.object_id) for i in mine] == [("Document review", review.pk)]
    assert "Review the AI Incident Procedure: annual review" in mine[0].title
    assert not [i for i in work.collect(people["manager"], NOW) if i.object_type == "documentreview"]
    item = next(i for i in readiness.collect(NOW) if i.key == "procedure.approved")
    assert item.ready
    late = next(i for i in readiness.collect(NOW + timedelta(days=40)) if i.key == "procedure.approved")
    assert not late.ready
    assert "overdue" in late.detail


def test_without_a_procedure_in_force_the_readiness_check_says_so(organisation, now):
    from incidentdesk import readiness

    item = next(i for i in readiness.collect(NOW) if i.key == "procedure.approved")
    assert not item.ready
    assert item.detail == "No version of the incident procedure is approved and in force."


def test_the_yearly_reminder_reads_the_derived_review_date(people, now):
    from datetime import datetime, time

    from django.utils import timezone

    from incidentdesk.reminders.models import ReminderKind
    from incidentdesk.reminders.services import _yearly
    from incidentdesk.reviews import cycle

    review = _open_review()
    due = dict(_yearly(NOW.date()))[ReminderKind.PROCEDURE_REVIEW]
    assert due == timezone.make_aware(datetime.combine(date(2026, 12, 31), time(9)))  # the open review comes first
    cycle.complete_without_change(review, reason="Still right", by=people["manager"])
    due = dict(_yearly(NOW.date()))[ReminderKind.PROCEDURE_REVIEW]
    assert due.date() == date(2027, 11, 22)  # a year after the review


def test_the_reviews_page_records_no_change_and_refuses_an_empty_reason(people, as_person, now):
    review = _open_review()
    client = as_person("manager")
    page = client.get("/reviews/").content.decode()
    assert f'id="review-{review.pk}"' in page
    assert "Reviewed, no change needed" in page
    refused = client.post(f"/reviews/{review.pk}/no-change/", {"reason": ""}, follow=True).content.decode()
    assert "Nothing was saved." in refused
    review.refresh_from_db()
    assert review.status == "open"
    client.post(f"/reviews/{review.pk}/no-change/", {"reason": "Checked against the rule files"})
    review.refresh_from_db()
    assert review.status == "no_change"
    assert "Reviewed, no change needed" not in as_person("viewer").get("/reviews/").content.decode()


def test_the_api_lists_reviews_and_records_no_change(people, client, now):
    from incidentdesk.accounts.tokens import create_token

    review = _open_review()
    _, token = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/reviews", **auth).json()
    assert [(r["id"], r["why"], r["status"]) for r in listed] == [(review.pk, "annual review", "open")]
    refused = client.post(f"/api/reviews/{review.pk}/no-change", {"reason": " "}, content_type="application/json",
                          **auth)
    assert refused.status_code == 422
    done = client.post(f"/api/reviews/{review.pk}/no-change", {"reason": "Fine as it is"},
                       content_type="application/json", **auth)
    assert done.json()["status"] == "no_change"


def test_a_review_after_a_restricted_incident_is_hidden_from_people_not_named(people, record, now):
    from incidentdesk.incidents import access
    from incidentdesk.reviews.models import DocumentReview

    secret = _recorded(record, people["manager"], title="Zebra quartz leak")
    access.restrict(incident=secret, restricted=True, people=[], by=people["manager"])
    _close(secret, people["manager"], level=2)
    assert DocumentReview.objects.visible_to(people["manager"]).count() == 1
    assert DocumentReview.objects.visible_to(people["viewer"]).count() == 0
    assert secret.reference not in as_text(people["viewer"])


def as_text(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get("/reviews/").content.decode() + client.get("/api/reviews").content.decode()


def test_one_review_per_cause_even_when_it_is_opened_twice(people, record, now):
    """The dedup is the database's unique constraint (on PostgreSQL too: run this module there)."""
    from incidentdesk.governance.services import document
    from incidentdesk.reviews.cycle import open_review

    incident = _recorded(record, people["manager"])
    procedure = document("incident_procedure")
    first = open_review(procedure, reason="incident", incident=incident, due_on=date(2026, 12, 22), by=None)
    again = open_review(procedure, reason="incident", incident=incident, due_on=date(2026, 12, 23), by=None)
    assert first is not None
    assert again is None
    assert _reviews().count() == 1


@pytest.mark.django_db(transaction=True)
def test_passes_at_the_same_moment_open_one_review(transactional_register, people):
    """Two reminder workers (or a close and a pass) racing on one cause open one review, on SQLite and PostgreSQL."""
    import threading

    from django.db import connection

    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.governance.services import document
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.reviews.cycle import open_review

    incident = record_incident(title="Bot invented a policy", description="x", detected_at=NOW, by=people["manager"],
                               now=NOW, facts=LEVEL_2)
    procedure = document("incident_procedure")
    racers = 6
    barrier = threading.Barrier(racers)
    opened, errors = [], []

    def race():
        try:
            barrier.wait(timeout=10)
            opened.append(open_review(procedure, reason="incident", incident=incident, due_on=date(2026, 12, 22),
                                      by=None))
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len([r for r in opened if r is not None]) == 1
    assert _reviews().count() == 1
    assert AuditEvent.objects.filter(action="review.opened").count() == 1
