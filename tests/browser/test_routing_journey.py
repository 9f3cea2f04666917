"""Internal routing in the browser (playbook step 3): the DPO acknowledges through the link in the e-mail,
without signing in; the incident manager sees it in "Who inside was told" and records IT security's
acknowledgement, taken by phone, on the team's behalf."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

PASSWORD = "a-long-test-password"


@pytest.fixture
def app(live_server, transactional_register):
    from incidentdesk.accounts.services import add_person
    from incidentdesk.contacts.models import Contact
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.organisation.services import save_profile

    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels")
    manager = add_person(username="ana", password=PASSWORD, role="incident_manager", by=None)
    for kind, name in (("privacy", "Dana DPO"), ("it_security", "Ivo Security")):
        Contact.objects.create(kind=kind, name=name, email=f"{name.split()[0].lower()}@example.org",
                               last_verified_on=date(2026, 6, 1))
    now = timezone.now()
    incident = record_incident(title="Client list pasted into a chatbot", description="x", by=manager, now=now,
                               detected_at=now - timedelta(hours=1), facts={"personal_data": {"involved": True}})
    return live_server.url, incident


def test_the_dpo_acknowledges_by_link_and_the_manager_records_it_security(page: Page, app, shot):
    from incidentdesk.reminders.models import Delivery

    url, incident = app
    body = Delivery.objects.get(target="dana@example.org").body
    link = re.search(r"https?://\S+(/routing/acknowledge/\S+/)", body).group(1)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url + link)
    expect(page.locator("main")).to_contain_text(incident.title)
    page.get_by_role("button", name=re.compile("I acknowledge for Privacy")).click()
    expect(page.locator("#ack-result")).to_contain_text("your team's acknowledgement is recorded")
    page.goto(url + link)
    expect(page.locator("#ack-result")).to_contain_text("cannot be used again")

    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.goto(f"{url}/incidents/{incident.reference}/#routing")
    panel = page.locator("#routing")
    privacy = panel.locator("li.routing-team[data-team='privacy']")
    expect(privacy).to_contain_text("Acknowledged by Dana DPO")
    expect(privacy).to_contain_text("by the contact, through the link in the e-mail")
    security = panel.locator("li.routing-team[data-team='it_security']")
    expect(security).to_contain_text("Told: Ivo Security")
    security.locator("summary").click()
    security.get_by_label("How the team acknowledged").fill("Ivo confirmed by phone")
    security.get_by_role("button", name="IT security acknowledged").click()
    expect(page.locator(".messages")).to_contain_text("Acknowledgement recorded.")
    expect(page.locator("#routing li.routing-team[data-team='it_security']")).to_contain_text(
        "Ivo confirmed by phone")
    expect(page.locator("#routing li.routing-team[data-team='management']")).to_contain_text("Nobody to tell")
    shot(page, "routing.png")
