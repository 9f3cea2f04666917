"""A DPO's journey through GDPR Art 33(5) and 34 in the browser: decide, record who among the people affected was
informed, find the breach in the register, read the incident report. It also saves the register's and the
report's screenshots (docs/screenshots/breach-register.png, report.png)."""

from playwright.sync_api import Page, expect

from incidentdesk.cli.demo import PASSWORD


def test_a_dpo_records_who_was_informed_and_finds_it_in_the_register_and_the_report(page: Page, app, shot, open_step,
                                                                                   open_form):
    from incidentdesk.incidents.models import Incident

    reference = Incident.objects.get(title__startswith="Chat history and payment details").reference
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{app}/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    page.goto(f"{app}/incidents/{reference}/")
    open_form(page, "notify", "decide")
    page.get_by_role("group", name="Notify the supervisory authority (Art 33)").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="Communicate to data subjects (Art 34)").get_by_label("Yes", exact=True).check()
    page.locator("#gdpr").get_by_label("Reasons").fill("Payment details of subscribers exposed: high risk.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".messages")).to_contain_text("GDPR decision recorded")

    open_step(page, "notify")
    page.locator("#informed summary").click()
    informed = page.locator("#informed")
    informed.get_by_label("Who was informed").fill("Subscribers whose payment details were shown")
    informed.get_by_label("How many people (roughly)").fill("1150")
    informed.get_by_label("How", exact=True).select_option("email")
    informed.get_by_label("Who informed them").fill("DPO")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Recorded who was informed.")
    expect(page.locator("#informed")).to_contain_text("Subscribers whose payment details were shown")

    page.get_by_role("link", name="Data breaches").click()
    entry = page.locator("section", has_text=reference).first
    expect(entry).to_contain_text("Payment details of subscribers exposed: high risk.")
    expect(entry).to_contain_text("Subscribers whose payment details were shown (1150 people), by email")
    shot(page, "breach-register.png")

    page.goto(f"{app}/incidents/{reference}/report/")
    expect(page.locator("main")).to_contain_text("GDPR breach assessment and decision")
    expect(page.locator("main")).to_contain_text("People affected who were informed (GDPR Art 34)")
    shot(page, "report.png")
