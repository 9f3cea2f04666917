"""Issue 13: a clock's reminders go to its assignee first, then the incident's owner, then the managers and the
management contacts (the existing escalation)."""

from datetime import timedelta

import pytest

from conftest import NOW
from incidentdesk.incidents import access
from incidentdesk.incidents.services import set_owner
from incidentdesk.obligations import services as obligations
from incidentdesk.reminders import services
from incidentdesk.reminders.models import Reminder


@pytest.fixture
def assigned(clock, people):
    for name in ("administrator", "manager", "responder"):
        people[name].email = f"{name}@example.org"
        people[name].save()
    set_owner(incident=clock.incident, owner=people["manager"], by=people["administrator"])
    obligations.assign(obligation=clock, assignee=people["responder"], by=people["manager"])
    services.plan(NOW)
    return clock


def who(clock, kind):
    reminder = Reminder.objects.select_related("obligation__incident", "obligation__assignee").get(
        obligation=clock, kind=kind)
    return sorted(u.username for u in services.recipients(reminder))


def test_the_assignee_is_reminded_first_then_the_owner_then_every_manager(assigned):
    assert who(assigned, "half") == ["p-responder"]
    assert who(assigned, "eighty") == ["p-responder"]
    assert who(assigned, "due") == ["p-manager", "p-responder"]
    assert who(assigned, "overdue") == ["p-administrator", "p-manager", "p-responder"]


def test_without_an_assignee_the_owner_is_reminded_and_without_either_the_managers(assigned, people):
    obligations.assign(obligation=assigned, assignee=None, by=people["manager"])
    assert who(assigned, "half") == ["p-manager"]
    set_owner(incident=assigned.incident, owner=None, by=people["manager"])
    assert who(assigned, "half") == ["p-administrator", "p-manager"]


def test_an_assignee_who_lost_sight_of_a_restricted_incident_is_not_reminded(assigned, people):
    access.restrict(incident=assigned.incident, restricted=True, people=[people["manager"]],
                    by=people["administrator"])
    assert who(assigned, "half") == ["p-manager"]


def test_the_outbox_writes_the_assignees_email_for_an_early_reminder(assigned):
    reminder = Reminder.objects.get(obligation=assigned, kind="half")
    assert reminder.due_at == NOW + timedelta(hours=12)
    assert [d.target for d in services.write_outbox(reminder)] == ["responder@example.org"]
