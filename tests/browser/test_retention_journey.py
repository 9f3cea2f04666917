"""Keeping the register lawful in the browser (procedure §8): an incident manager proposes deleting an incident
past its retention period and then places a legal hold; an administrator cannot confirm while the hold is in
force, releases it with a reason, and confirms the deletion. Saves docs/screenshots/retention.png."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from incidentdesk.cli.demo import PASSWORD


@pytest.fixture
def app(live_server, transactional_register, settings, tmp_path):
    from incidentdesk.cli import demo
    from incidentdesk.incidents.models import Incident
    from incidentdesk.incidents.services import record_incident

    settings.EVIDENCE_DIR = tmp_path / "evidence"
    demo.load()
    old = record_incident(title="Translation tool leaked a contract draft", description="An old case.",
                          detected_at=datetime(2019, 3, 4, 9, 0, tzinfo=UTC), by=None,
                          now=datetime(2019, 3, 4, 10, 0, tzinfo=UTC))
    Incident.objects.filter(pk=old.pk).update(status="closed", updated_at=datetime(2019, 6, 1, tzinfo=UTC))
    return live_server.url, old.reference


def _sign_in(page: Page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_a_legal_hold_stops_a_two_person_deletion_until_it_is_released(page: Page, app, shot):
    url, reference = app
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, url, "manager")
    page.locator(".nav-more > summary").click()  # the pages a team opens less often are under "More"
    page.get_by_role("link", name="Retention").click()
    row = page.locator(f"#row-{reference}")
    expect(row).to_contain_text("Translation tool leaked a contract draft")
    row.get_by_text("Propose deleting it").click()
    row.get_by_label("Reason").fill("Five years have passed; no claim is pending")
    row.get_by_role("button", name="Propose").click()
    expect(page.locator(".messages")).to_contain_text(f"Deletion of {reference} proposed")

    row = page.locator(f"#row-{reference}")
    row.get_by_text("Place a legal hold").click()
    row.get_by_label("Why it must be kept").fill("The client announced a claim (letter of 2 December)")
    row.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".messages")).to_contain_text(f"Legal hold placed on {reference}")
    expect(page.locator("#legal-holds")).to_contain_text("The client announced a claim")

    _sign_in(page, url, "demo")  # an administrator, the second person
    page.goto(f"{url}/retention/")
    row = page.locator(f"#row-{reference}")
    expect(row).to_contain_text("legal hold")
    expect(row.get_by_role("button", name="Confirm the deletion")).to_have_count(0)
    shot(page, "retention.png")

    page.goto(f"{url}/incidents/")
    expect(page.locator("main")).to_contain_text("legal hold")
    row.page.goto(f"{url}/incidents/{reference}/")
    expect(page.locator("h1 + p")).to_contain_text("legal hold")
    page.locator("#keeping").get_by_text("Release the hold").click()
    page.locator("#keeping").get_by_label("Reason").fill("The claim was withdrawn")
    page.locator("#keeping").get_by_role("button", name="Release").click()
    expect(page.locator(".messages")).to_contain_text(f"Legal hold on {reference} released")

    page.goto(f"{url}/retention/")
    page.locator(f"#row-{reference}").get_by_role("button", name="Confirm the deletion").click()
    expect(page.locator(".messages")).to_contain_text(f"{reference} deleted")
    expect(page.locator("#past-retention")).not_to_contain_text(reference)
