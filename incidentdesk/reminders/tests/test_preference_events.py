"""Reminder preferences and calendar links are audit events (issue 10): where a person's reminders go, and
the private calendar link (a credential), are on record; no URL token, webhook secret or calendar token is
ever written to the append-only chain."""

import json

from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify
from incidentdesk.reminders.models import CalendarFeed, Preference

SLACK = "https://hooks.slack.com/services/T0AAAA/B0BBBB/xoxbSeCrEtToKeN123"
HOOK = "https://hooks.example.org/in/7f3e9c1d2b4a?key=QueryKey987"
SECRET = "whsec-Plum-Anchor-4471"


def _chain_text():
    return "".join(f"{e.action} {e.object_id} {e.data}" for e in AuditEvent.objects.all())


def _events(action):
    return [(e, json.loads(e.data)) for e in AuditEvent.objects.filter(action=action).order_by("seq")]


def test_saving_preferences_is_an_event_that_masks_urls_and_never_holds_the_secret(as_person, people):
    client = as_person("manager")
    client.post("/account/reminders/", {"email": "on", "slack_url": SLACK, "webhook_url": HOOK,
                                        "webhook_secret": SECRET})
    [(event, data)] = _events("preferences.updated")
    assert event.actor_id == people["manager"].pk
    assert data["after"]["email"] is True
    assert data["after"]["slack_url"].startswith("https://hooks.slack.com/\u2026 #")
    assert data["after"]["webhook_url"].startswith("https://hooks.example.org/\u2026 #")
    assert data["after"]["webhook_secret"] == "set"
    text = _chain_text()
    for secret in (SECRET, "xoxbSeCrEtToKeN123", "QueryKey987", "7f3e9c1d2b4a", "T0AAAA"):
        assert secret not in text
    assert verify().ok


def test_each_change_says_what_changed_and_an_unchanged_save_adds_nothing(as_person):
    client = as_person("manager")
    base = {"email": "on", "slack_url": SLACK, "webhook_url": "", "webhook_secret": SECRET}
    client.post("/account/reminders/", base)
    client.post("/account/reminders/", base | {"webhook_secret": ""})  # empty keeps the secret: no change
    client.post("/account/reminders/", base | {"email": "", "webhook_secret": "whsec-New-Value-0042"})
    client.post("/account/reminders/", base | {"webhook_secret": "", "slack_url": SLACK + "X"})
    changes = [data["after"] for _, data in _events("preferences.updated")]
    assert len(changes) == 3
    assert changes[1] == {"email": False, "webhook_secret": "replaced"}
    assert set(changes[2]) == {"email", "slack_url"}
    assert "whsec-New-Value-0042" not in _chain_text()


def test_refused_preferences_store_nothing_and_write_no_event(as_person, people):
    before = AuditEvent.objects.count()
    response = as_person("viewer").post("/account/reminders/", {"slack_url": "not a url"}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert "Slack URL" in response.content.decode()
    assert not Preference.objects.filter(user=people["viewer"]).exists()
    assert AuditEvent.objects.count() == before


def test_creating_replacing_and_removing_the_calendar_link_are_events_without_the_token(as_person, people):
    client = as_person("auditor")
    first = client.post("/account/calendar/", follow=True).content.decode()
    second = client.post("/account/calendar/", follow=True).content.decode()
    digest = CalendarFeed.objects.get(user=people["auditor"]).digest
    client.post("/account/calendar/remove/")
    assert not CalendarFeed.objects.filter(user=people["auditor"]).exists()
    actions = list(AuditEvent.objects.filter(object_type="calendarfeed").values_list("action", "actor_id"))
    assert actions == [("calendar_link.created", people["auditor"].pk), ("calendar_link.replaced", people["auditor"].pk),
                       ("calendar_link.removed", people["auditor"].pk)]
    text = _chain_text()
    for page in (first, second):
        token = page.split("/calendar/")[1].split(".ics")[0]
        assert token not in text
    assert digest not in text


def test_removing_a_link_that_does_not_exist_writes_nothing(as_person):
    before = AuditEvent.objects.count()
    as_person("viewer").post("/account/calendar/remove/")
    assert AuditEvent.objects.count() == before
