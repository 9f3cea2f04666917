"""The Art 34 letter in the browser, as a DPO writes it: draft, switch to Dutch, write the summary, send.

Takes the Art 34 letter's screenshot for docs/screenshots/ (``make screenshots``; a temporary folder otherwise).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from incidentdesk.cli.demo import PASSWORD

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
SUMMARY = ("Door een fout in onze chatdienst konden sommige gebruikers de titels van gesprekken van andere "
           "gebruikers zien, en bij enkele abonnees een deel van hun betaalgegevens.")


@pytest.fixture
def app(live_server, transactional_register):
    from incidentdesk.cli import demo

    demo.load()
    return live_server.url


def test_the_art_34_letter_is_written_in_dutch_and_sent_once_its_summary_is_written(page: Page, app, tmp_path):
    from incidentdesk.incidents.models import Incident

    reference = Incident.objects.get(title__startswith="Chat history and payment details exposed").reference
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{app}/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    page.goto(f"{app}/incidents/{reference}/?step=notify")  # the drafts live in the "Notify" step
    page.get_by_role("button", name="Draft: Communicate the personal data breach to the data subjects").click()
    expect(page.locator("#draft-preview")).to_contain_text("Dear Sir or Madam,")

    page.locator("#rewrite").get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Write new version").click()
    preview = page.locator("#draft-preview")
    expect(preview).to_contain_text("Geachte heer, mevrouw,")
    expect(preview).to_contain_text("Wat dit voor u kan betekenen")
    expect(page.locator("#fill-markers")).to_be_visible()

    page.get_by_role("button", name="Record as sent").click()
    expect(page.locator(".messages")).to_contain_text("only you can write")

    body = page.get_by_label("Body")
    # The summary, and the contact point typed in English checked for Dutch readers (its marker removed).
    body.fill(body.input_value().replace("[schrijf een eenvoudige samenvatting voor de betrokkenen]", SUMMARY)
              .replace("[vertaal de tekst hierboven in het Nederlands]", ""))
    page.get_by_role("button", name="Save new version").click()
    expect(preview).to_contain_text(SUMMARY)
    expect(page.locator("#fill-markers")).to_have_count(0)
    folder = DOCS if os.environ.get("INCIDENTDESK_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(folder / "art34-letter.png"), full_page=True)

    page.get_by_label("Recipient").fill("The users concerned")
    page.get_by_role("button", name="Record as sent").click()
    expect(page.locator(".messages")).to_contain_text("the obligation is done")
