"""An exercise tells no directory contact (decision 190): its routing notices go to the facilitator only, marked
EXERCISE, and so do its reminders and mentions; the same facts in a real incident still reach the directory."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from conftest import NOW
from incidentdesk.comments.services import add_comment
from incidentdesk.reminders import tasks
from incidentdesk.reminders.models import Channel, Delivery
from incidentdesk.reminders.runner import tick
from incidentdesk.routing.models import Notice, NoticeStep

pytestmark = pytest.mark.django_db
LEVEL3 = {"personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["contact"]},
          "published_externally": False}
DIRECTORY = {"dana@example.org", "dirk@example.org", "ivo@example.org", "board@example.org"}


@pytest.fixture
def directory(db):
    from incidentdesk.contacts.models import Contact

    for kind, name, order, email in [("privacy", "Dana DPO", 1, "dana@example.org"),
                                     ("privacy", "Dirk Deputy", 2, "dirk@example.org"),
                                     ("it_security", "Ivo Security", 1, "ivo@example.org"),
                                     ("management", "Board", 1, "board@example.org")]:
        Contact.objects.create(kind=kind, name=name, escalation_order=order, email=email,
                               last_verified_on=date(2026, 6, 1))


def _everything_due():
    for hours in (5, 10, 49):  # routing escalations and every reminder of the 24-hour clock
        with time_machine.travel(NOW + timedelta(hours=hours), tick=False):
            tick()


def _recipients() -> set[str]:
    return {to for m in mail.outbox for to in m.to}


def test_an_exercise_tells_no_directory_contact(start, directory, people, facilitator):
    exercise = start("level3-personal-data")
    incident = exercise.incident
    people["responder"].email = "responder@example.org"
    people["responder"].save()
    add_comment(incident=incident, body="@manager @responder please look", by=facilitator, now=NOW)
    _everything_due()
    notices = Notice.objects.filter(incident=incident)
    assert {"privacy", "it_security"} <= set(notices.values_list("team", flat=True))  # rehearsed
    assert not _recipients() & DIRECTORY
    assert not Delivery.objects.filter(target__in=DIRECTORY).exists()
    assert all(m.subject.startswith("[EXERCISE]") for m in mail.outbox)
    routed = Delivery.objects.filter(pk__in=NoticeStep.objects.filter(notice__incident=incident)
                                     .values("delivery"))
    assert routed.exists()
    assert set(routed.values_list("target", flat=True)) <= {"manager@example.org", "responder@example.org"}
    assert not notices.filter(steps__contact__isnull=False).exists()


def test_a_real_incident_with_the_same_facts_still_reaches_the_directory(record, directory, inventory, manager):
    incident = record(detected_at=NOW, facts=LEVEL3, tools=["ChatGPT Team"])
    _everything_due()
    assert {"dana@example.org", "ivo@example.org", "board@example.org"} <= _recipients()
    assert not any(m.subject.startswith("[EXERCISE]") for m in mail.outbox)
    assert Delivery.objects.filter(incident=incident, target="dana@example.org").exists()


def test_the_last_guard_refuses_a_non_reminder_message_of_an_exercise(start, directory):
    exercise = start("level3-personal-data")
    stray = Delivery.objects.create(incident=exercise.incident, user=None, channel=Channel.EMAIL,
                                    target="dana@example.org", subject="x", body="y")
    mail.outbox.clear()
    tasks.send_one(stray)
    stray.refresh_from_db()
    assert stray.status == "failed"
    assert not mail.outbox


def test_a_routing_e_mail_names_its_incident_and_goes_with_it(record, directory):
    incident = record(detected_at=NOW, facts=LEVEL3)
    rows = Delivery.objects.filter(target="dana@example.org")
    assert rows.get().incident == incident
    incident.delete()
    assert not rows.exists()
