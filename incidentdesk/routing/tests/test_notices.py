"""Internal notices: told when recorded or when facts change, escalated when not acknowledged, then the owner."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.services import update_incident
from incidentdesk.reminders.runner import tick
from incidentdesk.routing import services
from incidentdesk.routing.models import Notice, NoticeState

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_recording_tells_each_team_the_facts_name_first_contact_first(directory, personal):
    notices = {n.team: n for n in Notice.objects.filter(incident=personal)}
    assert set(notices) == {"privacy", "it_security", "management"}
    privacy = notices["privacy"]
    step = privacy.steps.get()
    assert step.contact == directory["dpo"]
    assert step.sent_at == NOW
    assert step.ack_due_at == NOW + timedelta(hours=4)
    assert "Personal data" in privacy.reason
    assert privacy.because
    assert any(m.to == ["dana@example.org"] and personal.reference in m.subject for m in mail.outbox)
    assert AuditEvent.objects.filter(action="routing.told", incident_ref=personal.reference).count() == 2


def test_a_team_with_nobody_in_the_directory_is_a_gap_told_once_a_contact_is_added(directory, personal):
    from incidentdesk.contacts.models import Contact

    management = Notice.objects.get(incident=personal, team="management")
    assert management.state(NOW) == NoticeState.GAP
    assert not management.steps.exists()
    Contact.objects.create(kind="management", name="Mia Board", email="mia@example.org", last_verified_on=NOW.date())
    assert services.escalate(NOW + timedelta(minutes=1)) == 1
    assert management.steps.get().recipient_name == "Mia Board"


def test_new_facts_tell_a_new_team_and_a_team_told_stays_told(directory, personal, manager):
    from incidentdesk.contacts.models import Contact

    Contact.objects.create(kind="hr", name="Hanna HR", email="hanna@example.org", last_verified_on=NOW.date())
    update_incident(incident=personal, by=manager, changes={"employee_conduct": True}, now=NOW)
    hr = Notice.objects.get(incident=personal, team="hr")
    assert hr.because == ["Is an employee's conduct part of the incident? Yes"]
    update_incident(incident=personal, by=manager, changes={"employee_conduct": False}, now=NOW)
    assert Notice.objects.filter(incident=personal, team="hr").exists()
    assert Notice.objects.filter(incident=personal).count() == 4


def test_not_acknowledged_in_time_escalates_down_the_directory_then_to_the_owner(directory, personal, manager):
    privacy = Notice.objects.get(incident=personal, team="privacy")
    with time_machine.travel(NOW + timedelta(hours=3, minutes=59), tick=False):
        tick()
    assert privacy.steps.count() == 1
    with time_machine.travel(NOW + timedelta(hours=4, minutes=1), tick=False):
        mail.outbox.clear()
        tick()
        tick()  # a second pass sends nothing more
    steps = list(privacy.steps.all())
    assert [s.recipient_name for s in steps] == ["Dana DPO", "Dirk Deputy"]
    assert [m.to for m in mail.outbox if "Privacy" in m.subject] == [["dirk@example.org"]]
    assert "did not acknowledge in time" in next(m.body for m in mail.outbox if m.to == ["dirk@example.org"])
    with time_machine.travel(NOW + timedelta(hours=8, minutes=2), tick=False):
        tick()
    owner_step = privacy.steps.last()
    assert owner_step.is_owner
    assert owner_step.recipient_email == manager.email
    assert privacy.state(NOW + timedelta(hours=9)) == NoticeState.OWNER_TOLD
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        tick()
    assert privacy.steps.count() == 3, "after the owner nobody is left: no more messages"
    assert AuditEvent.objects.filter(action="routing.escalated", object_id=str(privacy.pk)).count() == 2


def test_an_acknowledged_notice_does_not_escalate(directory, personal, manager):
    privacy = Notice.objects.get(incident=personal, team="privacy")
    services.acknowledge(notice=privacy, by=manager, note="Dana confirmed by phone", now=NOW)
    assert services.escalate(NOW + timedelta(days=1)) == 1  # IT security escalates; privacy does not
    assert privacy.steps.count() == 1


def test_acknowledging_twice_is_refused_and_changes_nothing(directory, personal, manager):
    from incidentdesk.refusals import Conflict

    privacy = Notice.objects.get(incident=personal, team="privacy")
    services.acknowledge(notice=privacy, by=manager, note="by phone", now=NOW)
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict, match="already acknowledged"):
        services.acknowledge(notice=privacy, by=manager, note="again", now=NOW + timedelta(hours=1))
    privacy.refresh_from_db()
    assert privacy.ack_note == "by phone"
    assert privacy.acknowledged_at == NOW
    assert AuditEvent.objects.count() == events


def test_my_work_lists_unacknowledged_notices_of_incidents_i_own(directory, personal, manager, people):
    from incidentdesk.accounts.services import set_role
    from incidentdesk.work import collect

    set_role(user=manager, role="incident_manager", by=None)
    mine = [i for i in collect(manager, NOW) if i.kind == "Internal notice"]
    assert {i.title.split(" has")[0] for i in mine} == {"Privacy / data protection officer (DPO)", "IT security",
                                                        "Management"}
    assert not [i for i in collect(people["responder"], NOW) if i.kind == "Internal notice"]
    services.acknowledge(notice=Notice.objects.get(incident=personal, team="privacy"), by=manager, now=NOW)
    assert len([i for i in collect(manager, NOW) if i.kind == "Internal notice"]) == 2


def test_the_internal_update_is_a_draft_in_words_for_staff_that_waits_for_a_summary(directory, personal, manager):
    from incidentdesk.containment.services import contain
    from incidentdesk.notifications import services as notifications
    from incidentdesk.notifications.services import DraftRefused

    contain(incident=personal, kind="revoke_access", by=manager, taken_at=NOW, taken_by="IT",
            description="Accounts locked", now=NOW)
    draft = notifications.create_draft(incident=personal, kind="internal_update", by=manager)
    body = draft.body
    assert body.startswith("Our reference")
    assert "Dear colleagues," in body
    for heading in ("## What happened", "## What changes for you", "## What to do", "## Who to ask"):
        assert heading in body
    assert "We revoked access to the AI tool" in body
    assert "Do not copy, forward or keep" in body
    assert "manager@example.org" in body
    assert body.rstrip().endswith("Test BV")
    for internal in ("level", "Level", "PROC-", "ROUTE-", "score", personal.description):
        assert internal not in body
    with pytest.raises(DraftRefused, match="plain summary for staff"):
        notifications.send_draft(draft=draft, recipient="All staff", channel="email", sent_at=NOW, by=manager,
                                   now=NOW)
    edited = notifications.edit_draft(draft=draft, subject=draft.subject, by=manager,
                                      body=body.replace("[write a plain summary for staff, without naming anyone]",
                                                        "A chatbot was given client data by mistake."))
    notifications.send_draft(draft=edited, recipient="All staff", channel="email", sent_at=NOW, by=manager,
                                   now=NOW)
    edited.refresh_from_db()
    assert edited.notification_id


def test_the_owner_is_told_only_if_they_may_see_a_restricted_incident(directory, personal, manager, people):
    from incidentdesk.incidents import access
    from incidentdesk.incidents.models import Incident

    outsider = people["viewer"]
    outsider.email = "viewer@example.org"
    outsider.save()
    Incident.objects.filter(pk=personal.pk).update(owner=outsider)
    access.restrict(incident=personal, restricted=True, people=[], by=people["manager"])
    security = Notice.objects.get(incident=personal, team="it_security")
    mail.outbox.clear()
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        tick()
    last = security.steps.last()
    assert last.is_owner
    assert last.recipient_name == "manager", "the owner may not see it: whoever recorded it (named) is told"
    assert not [m for m in mail.outbox if m.to == ["viewer@example.org"]]
