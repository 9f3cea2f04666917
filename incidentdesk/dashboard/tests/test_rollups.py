"""The dashboard's rollups stay equal to a recomputation after every write path, and the figures read from them
are the figures counted from the incidents (decision 206)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conftest import NOW
from incidentdesk.dashboard import rollups, services
from incidentdesk.dashboard.models import DayCount, IncidentFigure

ZONE = "Europe/Brussels"  # the organisation fixture's


def assert_rollups_fresh(zone: str = ZONE) -> None:
    rows, counts = rollups.stored()
    fresh_rows, fresh_counts = rollups.fresh(zone)
    assert rows == fresh_rows
    assert counts == fresh_counts


def slow_figures(user, now):
    """The figures as the dashboard counted them before the rollups: from the incidents, in Python."""
    recent = services.recent_incidents(user, now)
    obligations = services.Obligation.objects.visible_to(user).real()
    return {"per_month": services.per_month(recent, now), "per_tool": services.per_tool(recent, user),
            "classify": services.median_hours(services.times_to_classify(recent)),
            "contain": services.median_hours(services.times_to_contain(recent, user)),
            "compliance": services.compliance(obligations.filter(incident__in=recent))}


def fast_figures(user, now):
    window = services.Window(user, now)
    return {"per_month": window.per_month(), "per_tool": window.per_tool(), "classify": window.median_hours("classify"),
            "contain": window.median_hours("contain"), "compliance": window.compliance()}


def same_figures(user, now=NOW):
    with timezone.override(ZONE):
        assert services.Window.usable(user)
        slow, fast = slow_figures(user, now), fast_figures(user, now)
    for figures in (slow, fast):  # ties may be listed in another order; the numbers are what must agree
        figures["per_month"] = {m: sorted(c.items()) for m, c in figures["per_month"].items()}
    assert fast == slow
    return fast


def test_every_write_path_keeps_the_rollups_equal_to_a_recomputation(record, manager, people, time_machine):
    from incidentdesk.containment.models import ContainmentAction
    from incidentdesk.containment.services import contain
    from incidentdesk.incidents import access, lifecycle
    from incidentdesk.incidents.models import Incident, IncidentTool
    from incidentdesk.incidents.services import classify, update_incident
    from incidentdesk.linking.services import merge
    from incidentdesk.obligations.models import Obligation, ObligationStatus
    from incidentdesk.organisation.services import save_profile

    time_machine.move_to(NOW, tick=False)
    first = record(detected_at=NOW - timedelta(days=40, hours=3), tools=["Chatbot", "Ranker"],
                   categories=["model_failure", "privacy"])
    assert_rollups_fresh()  # recording (incident, tools, obligations)
    second = record(detected_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))  # 1 November in Brussels
    assert IncidentFigure.objects.get(incident_id=second.pk).day.isoformat() == "2026-11-01"
    assert_rollups_fresh()

    update_incident(incident=first, by=manager, now=NOW, changes={
        "detected_at": NOW - timedelta(days=100), "categories": ["bias_discrimination"], "tools": ["Ranker", "Mailer"]})
    assert_rollups_fresh()  # facts, detection time, categories, tools edited
    classify(incident=first, level=3, reasoning="Many people affected", by=manager, now=NOW)
    assert_rollups_fresh()  # classification
    action = contain(incident=first, kind="stop_operation", taken_at=NOW - timedelta(days=99, minutes=7),
                     taken_by="Ana", by=manager, now=NOW)
    contain(incident=first, kind="stop_operation", taken_at=NOW - timedelta(days=98), taken_by="Ana", by=manager,
            now=NOW)
    assert_rollups_fresh()  # containment actions added
    ContainmentAction.objects.filter(pk=action.pk).update(taken_at=NOW - timedelta(days=99, hours=22))
    assert_rollups_fresh()  # ... and edited (a time before detection is no duration)
    contain(incident=second, kind="stop_operation", taken_at=NOW - timedelta(days=1), taken_by="Ana", by=manager,
            result="effective", now=NOW)
    lifecycle.transition(incident=second, to="contained", by=manager)
    assert_rollups_fresh()  # status moves
    clock = Obligation.objects.filter(incident=second, status=ObligationStatus.PENDING).exclude(due_at=None).first()
    Obligation.objects.filter(pk=clock.pk).update(status=ObligationStatus.DONE, completed_at=clock.due_at)
    Obligation.objects.filter(incident=first).exclude(due_at=None).update(
        status=ObligationStatus.DONE, completed_at=NOW)
    assert_rollups_fresh()  # deadlines met, on time and late
    merge(duplicate=second, into=first, by=people["manager"], now=NOW)
    assert_rollups_fresh()  # merge (clocks settled, duplicate closed)
    access.restrict(incident=second, restricted=True, people=[], by=people["manager"])
    assert_rollups_fresh()
    IncidentTool.objects.filter(incident=first, name="Mailer").update(name="Mailer 2")
    Incident.objects.filter(pk=first.pk).update(detected_at=NOW - timedelta(days=3), categories=[])
    assert_rollups_fresh()  # bulk updates that no service made
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET is_exercise = %s WHERE id = %s", [True, second.pk])
    assert_rollups_fresh()  # raw SQL: an exercise leaves every figure
    third = record(detected_at=NOW - timedelta(days=5), tools=["Chatbot"])
    Incident.objects.filter(pk=third.pk).delete()
    assert_rollups_fresh()  # deletion (retention deletes the row and what hangs off it)
    save_profile(by=None, time_zone="America/New_York")
    assert rollups.stored_zone() == "America/New_York"
    assert_rollups_fresh("America/New_York")  # a new zone moves the days: rebuilt in the same save
    DayCount.objects.all().delete()
    IncidentFigure.objects.update(done=99)
    rollups.rebuild("America/New_York")
    assert_rollups_fresh("America/New_York")  # the repair path


def test_a_broken_rollup_is_seen_by_the_comparison(record, time_machine):
    time_machine.move_to(NOW, tick=False)
    record(detected_at=NOW - timedelta(days=2))
    DayCount.objects.filter(kind="category").update(n=5)
    with pytest.raises(AssertionError):
        assert_rollups_fresh()


def test_figures_from_rollups_are_the_figures_counted_from_the_incidents(record, manager, people, time_machine):
    from incidentdesk.containment.services import contain
    from incidentdesk.incidents import access
    from incidentdesk.incidents.services import classify
    from incidentdesk.obligations.models import Obligation, ObligationStatus

    time_machine.move_to(NOW, tick=False)
    made = []
    for i in range(9):
        incident = record(detected_at=NOW - timedelta(days=37 * i, hours=i, minutes=13 * i, microseconds=7 * i),
                          tools=["Chatbot", f"Tool {i % 3}"], categories=[["model_failure"], ["privacy"], []][i % 3])
        if i % 2 == 0:
            classify(incident=incident, level=2, reasoning="Checked", by=manager, now=NOW - timedelta(days=37 * i)
                     + timedelta(hours=i * 5 + 1, seconds=i))
        if i % 3 != 2:
            contain(incident=incident, kind="stop_operation", taken_at=incident.detected_at + timedelta(minutes=30 * i),
                    taken_by="Ana", by=manager, now=NOW)
        made.append(incident)
    Obligation.objects.filter(incident__in=made[::2]).exclude(due_at=None).update(
        status=ObligationStatus.DONE, completed_at=NOW - timedelta(days=1))
    everyone = same_figures(people["viewer"])
    assert everyone["per_tool"][0] == ("Chatbot", 9)
    assert everyone["classify"] is not None
    assert everyone["contain"] is not None

    # Restricted incidents the viewer is not named on are taken out of every figure; the manager still sees them.
    for incident in made[:4]:
        access.restrict(incident=incident, restricted=True, people=[], by=people["manager"])
    hidden = same_figures(people["viewer"])
    assert hidden["per_tool"][0] == ("Chatbot", 5)
    assert same_figures(manager) == everyone


def test_the_page_reads_the_rollups_in_a_bounded_number_of_queries(as_person, record, time_machine,
                                                                   django_assert_max_num_queries):
    time_machine.move_to(NOW, tick=False)
    for i in range(5):
        record(detected_at=NOW - timedelta(days=30 * i), tools=[f"Tool {i}"])
    client = as_person("viewer")
    client.get("/")
    with django_assert_max_num_queries(40):
        page = client.get("/")
    assert page.status_code == 200
    with django_assert_max_num_queries(12):
        chart = client.get("/dashboard/charts/per-tool.svg")
    assert b"Tool 4" in chart.content


def test_without_rollups_in_the_organisations_zone_the_figures_are_counted_directly(record, people, time_machine):
    from incidentdesk.dashboard.models import ZoneOffset

    time_machine.move_to(NOW, tick=False)
    record(detected_at=NOW - timedelta(days=3), tools=["Chatbot"])
    ZoneOffset.objects.all().delete()  # as after a flush, or a zone changed by raw SQL
    with timezone.override(ZONE):
        assert not services.Window.usable(people["viewer"])
        assert services.build(user=people["viewer"], now=NOW).per_tool == [("Chatbot", 1)]


def test_rebuild_command_repairs_and_checks(record, time_machine):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    time_machine.move_to(NOW, tick=False)
    record(detected_at=NOW - timedelta(days=2), tools=["Chatbot"])
    DayCount.objects.filter(kind="tool").update(n=7)
    with pytest.raises(CommandError):
        call_command("rebuild_dashboard", "--check")
    call_command("rebuild_dashboard")
    call_command("rebuild_dashboard", "--check")
    assert_rollups_fresh()
