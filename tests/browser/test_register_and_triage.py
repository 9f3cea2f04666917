"""The register and the triage queue as a new user tries them (issue 13, "Found, tried as a new user would")."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("transactional_register")


def test_searching_then_clicking_filter_finds_what_the_url_finds(page: Page, app, shot, sign_in):
    """The bug: the severity select defaulted to "1 Minor", so Filter sent severity=1 and found nothing."""
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/?q=chatbot")
    expected = page.locator("#register tbody tr").count()
    assert expected >= 2
    page.goto(f"{app}/incidents/")
    page.locator("#id_q").fill("chatbot")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#register tbody tr")).to_have_count(expected)
    assert "severity=1" not in page.url
    page.locator("#id_tool").fill("website")  # part of "Website chatbot", any case
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#register tbody tr").first).to_contain_text("chatbot")
    shot(page, "register-1366.png")


def test_the_register_ids_do_not_wrap_and_the_page_fits_a_phone(page: Page, app, shot, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/")
    cell = page.locator("#register tbody tr td").first.locator("a")
    box = cell.bounding_box()
    assert box["height"] < 30, "the incident id wraps onto two lines"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app}/incidents/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the register is {width}px wide on a 390px phone"
    shot(page, "register-390.png")


def test_a_long_unbroken_report_keeps_promote_and_dismiss_on_screen_at_1366(page: Page, app, shot, sign_in):
    """The bug: one report with a long unbroken string made the table 1,880 px wide."""
    from incidentdesk.intake import services

    services.report(title="x" * 190, details="https://example.org/" + "a" * 1500, contact="ana@" + "b" * 180)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "manager")
    page.goto(f"{app}/triage/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"the triage page is {width}px wide"
    for name in ("Promote to incident", "Dismiss"):
        button = page.get_by_role("button", name=name).first
        expect(button).to_be_in_viewport()
        box = button.bounding_box()
        assert box["x"] + box["width"] <= 1366, f"{name} is off screen at x={box['x']}"
    expect(page.locator(".reporter-contact").first).to_be_visible()
    shot(page, "triage-1366.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app}/triage/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot(page, "triage-390.png")


def test_an_auditor_reads_the_audit_log_in_words(page: Page, app, shot, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "auditor")
    page.goto(f"{app}/audit/")
    page.get_by_label("What").select_option(label="Moved the incident")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("#audit tbody tr")
    expect(rows.first).to_contain_text(re.compile(r"Status: \w+ → \w+"))
    link = rows.first.locator("a[href^='/incidents/INC-']")
    expect(link).to_have_count(1)
    shot(page, "audit-log.png")
    link.click()
    expect(page.locator("h1")).to_contain_text("INC-")


def test_a_manager_saves_a_view_and_finds_it_in_the_header(page: Page, app, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/?tag=chatbot")
    page.locator("#save-view summary").click()
    page.get_by_label("Name").fill("Chatbot incidents")
    page.get_by_role("button", name="Save view").click()
    expect(page.locator(".messages")).to_contain_text("View saved")
    page.goto(f"{app}/incidents/")
    page.locator("#saved-views").get_by_role("link", name="Chatbot incidents").click()
    expect(page.locator("#register tbody tr")).to_have_count(2)
    page.locator("#saved-views").get_by_role("link", name="My open incidents").click()
    expect(page.locator("#register tbody tr").first).to_contain_text("INC-")
