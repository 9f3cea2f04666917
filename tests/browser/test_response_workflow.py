"""A level 3 personal-data incident taken from recording to closure in the browser (the response workflow)."""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from incidentdesk.assessment import vocabulary
from incidentdesk.assessment.facts import HarmFacts
from incidentdesk.cli.demo import PASSWORD

HARM = [vocabulary.label(f"harm.{name}") for name in HarmFacts.model_fields]  # the form's labels


def test_a_level_3_personal_data_incident_from_recording_to_closure(page: Page, app, shot, open_step, open_form):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{app}/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    # 1. Detect and record.
    page.goto(f"{app}/incidents/record/")
    page.get_by_label("What happened").fill("Learner's health data pasted into ChatGPT")
    page.get_by_label("Which AI tool").fill("ChatGPT Team")
    page.get_by_role("group", name="Is personal data involved?").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="Was the output published outside the organisation?").get_by_label("No", exact=True).check()
    expect(page.locator("#preview-level")).to_have_text("3")
    page.get_by_role("button", name="Record incident").click()
    reference = page.locator("h1").inner_text().split(" ")[0]

    # 2. Contain.
    page.locator("#containment summary").click()
    page.get_by_label("Containment action").select_option("stop_operation")
    page.get_by_label("Who did it").fill("Founder")
    page.locator("#containment").get_by_label("Result").select_option("effective")
    page.get_by_role("button", name="Record containment").click()
    page.get_by_role("button", name="Move to contained").click()
    expect(page.locator("#status-title")).to_contain_text("Contained")

    # Establish the facts that decide which clocks apply.
    page.get_by_role("link", name="Edit facts").click()
    page.get_by_role("group", name="Is a client's data affected?").get_by_label("No", exact=True).check()
    for harm in HARM:
        page.get_by_role("group", name=harm, exact=True).get_by_label("No", exact=True).check()
    page.get_by_role("group", name="What was lost").get_by_label("Confidentiality").check()
    page.get_by_role("group", name="Categories of personal data").get_by_label("Health data", exact=True).check()
    page.get_by_label("Number of people affected").fill("1")
    page.locator("#facts").get_by_role("button", name="Save").click()  # the form came in place of the facts
    expect(page.locator(".messages")).to_contain_text("recomputed")

    # 3. Classify, and the GDPR decision (a person decides; the recommendation stays beside it).
    open_form(page, "classify", "classify")
    page.get_by_label("Definitive level").select_option("3")
    page.get_by_label("Reasoning").fill("Health data of one learner shared with a third-party AI service.")
    page.get_by_role("button", name="Classify definitively").click()
    open_form(page, "notify", "decide")
    page.get_by_role("group", name="Notify the supervisory authority (Art 33)").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="Communicate to data subjects (Art 34)").get_by_label("No", exact=True).check()
    page.locator("#gdpr").get_by_label("Reasons").fill("Health data: notify; one learner, informed in person.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".messages")).to_contain_text("GDPR decision recorded")

    # 4. Notify: the Art 33 draft carries every Art 33(3) element, then it is marked as sent.
    open_step(page, "notify")
    page.get_by_role("button", name="Draft: Notify the supervisory authority of the personal data breach").click()
    preview = page.locator("#draft-preview")
    for element in ("(a) Nature of the breach", "(b) Name and contact details", "(c) Likely consequences",
                    "(d) Measures taken or proposed"):
        expect(preview).to_contain_text(element)
    shot(page, "art33-draft.png")
    page.get_by_label("Channel").select_option("portal")
    page.get_by_label("Reference number returned").fill("GBA-2026-0042")
    page.get_by_role("button", name="Record as sent").click()
    expect(page.locator(".messages")).to_contain_text("the obligation is done")

    # 5. Investigate and document.
    open_step(page, "investigate")
    page.locator("#rca summary").click()
    rca = page.locator("#rca")
    rca.get_by_label("What happened").fill("A learner's medical note was pasted into ChatGPT to summarise it.")
    rca.get_by_label("Why it happened").fill("The AI policy did not say that health data may not be entered.")
    rca.get_by_label("What was done").fill("Chat deleted, provider asked to purge, DPA notified.")
    rca.get_by_label("Impact").fill("One learner's health data left the organisation.")
    rca.get_by_label("What changes to prevent recurrence").fill("Policy forbids special-category data in AI tools.")
    rca.get_by_label("Policy gap").check()
    rca.get_by_label("The analysis is complete").check()
    page.get_by_role("button", name="Save analysis").click()
    expect(page.locator("#rca")).to_contain_text("Completed")

    # Corrective action to verified effectiveness.
    open_step(page, "learn")
    page.locator("#capa summary").click()
    capa = page.locator("#capa")
    capa.get_by_label("Action", exact=True).fill("Add a special-category data rule to the AI usage policy")
    capa.get_by_label("How effectiveness will be checked").fill("Spot-check 20 chats a month later")
    capa.get_by_label("Due", exact=True).fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Plan action").click()
    page.locator("#capa").get_by_role("button", name="Save").click()  # implemented
    page.locator("#capa").get_by_label("Next").select_option("effective")
    page.locator("#capa").get_by_label("Result or reason").fill("Spot check of 20 chats: no health data")
    page.locator("#capa").get_by_role("button", name="Save").click()
    expect(page.locator("#capa .badge")).to_have_text("Verified effective")

    # 6. Learn and adapt.
    open_step(page, "learn")
    page.locator("#lessons summary").click()
    page.locator("#lessons").get_by_label("Feeds into").select_option("policy")
    page.locator("#lessons").get_by_label("Lesson").fill("Say which data may never go into an AI tool")
    page.get_by_role("button", name="Propose").click()
    page.locator("#lessons").get_by_label("Change-log line or reason").fill("Section 3: no special-category data")
    page.get_by_role("button", name="Decide").click()
    expect(page.locator("#lessons .badge")).to_have_text("Accepted")

    # Resolve and close: every guard is met.
    page.get_by_role("button", name="Move to resolved").click()
    expect(page.locator("#status-title")).to_contain_text("Resolved")
    page.get_by_role("button", name="Move to closed").click()
    expect(page.locator("#status-title")).to_contain_text("Closed")
    expect(page.locator("#checklist")).to_contain_text("Learn and adapt")
    shot(page, "closed-incident.png")

    page.goto(f"{app}/changes/")
    expect(page.locator("main")).to_contain_text(reference)
