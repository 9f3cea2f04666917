"""The main journeys in a real browser (Playwright driving Debian's Chromium against a live server).

They also save the screenshots the README shows (docs/screenshots/).
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("transactional_register")


def test_record_classify_and_find_an_incident(page: Page, app, shot, open_form, sign_in):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, app, "manager")
    page.get_by_role("link", name="Record an incident").first.click()
    page.get_by_label("What happened").fill("Support bot pasted a client's contract into a public reply")
    page.get_by_label("Which AI tool").fill("Website chatbot")
    page.get_by_role("group", name="Is personal data involved?").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="Was the output published outside the organisation?").get_by_label("Yes", exact=True).check()
    expect(page.locator("#preview-level")).to_have_text("3")  # provisional severity, live (htmx)
    expect(page.locator("#preview-clocks")).to_contain_text("GDPR Art 33")
    shot(page, "record.png")
    page.get_by_role("button", name="Record incident").click()

    expect(page.locator("h1")).to_contain_text("Support bot pasted")
    expect(page.locator("#clocks")).to_contain_text("GDPR Art 33(1)")
    expect(page.locator("#checklist")).to_contain_text("Classify")
    open_form(page, "classify", "classify")
    page.get_by_label("Definitive level").select_option("3")
    page.get_by_label("Reasoning").fill("A client's contract with personal data was published: level 3.")
    page.get_by_role("button", name="Classify definitively").click()
    expect(page.locator(".messages")).to_contain_text("Classified definitively")
    expect(page.locator("#activity")).to_contain_text("Classified definitively at level")
    shot(page, "workspace.png")

    page.get_by_role("link", name="Register").click()
    page.locator("#id_q").fill("support bot")
    page.locator("#id_severity").select_option("3")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#register tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Support bot pasted")
    page.get_by_role("link", name="Clear").click()
    expect(page.locator("#register tbody tr")).to_have_count(12)  # the demo's exercise is not in the default view
    shot(page, "register.png")


def test_the_dashboard_charts_render(page: Page, app, shot, sign_in):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, app, "manager")
    page.goto(f"{app}/")
    for chart in ("#chart-per-month", "#chart-per-tool"):
        expect(page.locator(chart)).to_be_visible()
        width = page.locator(chart).evaluate("img => img.complete ? img.naturalWidth : 0")
        assert width > 0, f"{chart} did not load"
    expect(page.locator("#clock-cards")).to_contain_text("clocks overdue")
    shot(page, "dashboard.png")


def test_a_viewer_cannot_edit(page: Page, app, sign_in):
    sign_in(page, app, "viewer")
    page.goto(f"{app}/incidents/")
    page.locator("#register tbody tr a").first.click()
    expect(page.locator("#clocks")).to_be_visible()
    expect(page.get_by_role("button", name="Classify definitively")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit facts")).to_have_count(0)
    expect(page.get_by_role("link", name="Record an incident")).to_have_count(0)
    response = page.goto(page.url + "edit/")
    assert response.status == 403


def test_a_restricted_incident_is_invisible_to_someone_not_named(page: Page, app, sign_in):
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/")
    page.locator("#register tbody tr a").first.click()
    reference = page.locator("h1").inner_text().split(" ")[0]
    page.locator("#access summary").click()
    page.get_by_label("Restricted: only the people named below can see it").check()
    page.get_by_role("checkbox", name="responder").check()
    page.get_by_role("button", name="Save access").click()
    expect(page.locator(".messages")).to_contain_text("Access updated")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, app, "viewer")
    page.goto(f"{app}/incidents/")
    expect(page.locator("#register")).not_to_contain_text(reference)
    assert page.goto(f"{app}/incidents/{reference}/").status == 404
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, app, "responder")
    page.goto(f"{app}/incidents/{reference}/")
    expect(page.locator("h1")).to_contain_text(reference)


def test_it_works_at_phone_width(page: Page, app, sign_in):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at phone width"
    expect(page.get_by_role("link", name=re.compile("INC-"))).not_to_have_count(0)
