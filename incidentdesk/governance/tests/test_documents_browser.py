"""Done when (issue 14): generating, editing, diffing, approving and superseding work in the browser, on the demo.

The incident manager writes version 2 of the policy; the administrator approves it; version 1 is superseded.
"""

import pytest
from playwright.sync_api import Page, expect

from incidentdesk.cli.demo import PASSWORD


@pytest.fixture
def app(live_server, transactional_register):
    from incidentdesk.cli import demo

    demo.load()
    return live_server.url


def _sign_in(page: Page, app: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{app}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("width", [1366, 390])
def test_generate_edit_diff_approve_and_supersede_the_policy(page: Page, app, width):
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, app, "manager")
    page.goto(f"{app}/documents/")
    expect(page.locator("#documents")).to_contain_text("Version 1 since")
    page.get_by_role("link", name="AI Incident Management Policy").click()
    expect(page.locator(".document-control")).to_contain_text("In force")
    expect(page.locator(".document-text")).to_contain_text("CV screening assistant")

    page.get_by_role("button", name="Generate from what IncidentDesk knows").click()
    expect(page.locator("h1")).to_contain_text("version 2")
    expect(page.locator("#status")).to_have_text("Draft")

    page.locator("#edit").click()
    body = page.get_by_label("Text (Markdown)")
    body.fill(body.input_value().replace("Reports from clients, learners and third parties",
                                         "Reports from clients, suppliers and third parties"))
    page.get_by_label("What changed, and why").fill("Suppliers report incidents too.")
    page.get_by_role("button", name="Save the draft").click()
    diff = page.locator("#diff")
    expect(diff).to_contain_text("1 section changed")
    expect(diff).to_contain_text("Section changed: 3. Incident detection and reporting")
    expect(diff.locator("ins")).to_contain_text("suppliers")

    page.locator("#submit").click()
    expect(page.locator("#status")).to_have_text("In review")
    expect(page.locator("#approval-h")).to_be_visible()

    _sign_in(page, app, "demo")
    page.goto(f"{app}/documents/incident_policy/v2/")
    page.locator("#approve").click()
    expect(page.locator("#status")).to_have_text("In force")
    page.goto(f"{app}/documents/incident_policy/")
    versions = page.locator("#versions")
    expect(versions.locator("tr", has_text="Version 1")).to_contain_text("Superseded")
    expect(versions.locator("tr", has_text="Version 2")).to_contain_text("In force")
    expect(page.locator(".document-text")).to_contain_text("suppliers")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
