"""The commonest level 2 incident, taken from recording to closure in the browser by an incident manager.

A chatbot's hallucination was published on the website; the text was produced with an AI tool that is
not in the inventory. Everything after the setup (the demo organisation and its logins, as the other
browser journeys use) happens in the web UI: no CLI, no API, no service calls.
"""

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from incidentdesk.cli.demo import PASSWORD

TOOL = "Copy.ai"


def clock(page: Page, action: str):
    """One clock in the workspace's clocks list, by the start of its action."""
    return page.locator("#clocks > li").filter(has_text=action)


def move_to(page: Page, state: str) -> None:
    """Press "Move to …" in the Status panel; the move is allowed (no "needs:" hint) and happens."""
    status = page.locator("#status")
    expect(status.locator(f"#why-{state}")).to_have_count(0)
    status.get_by_role("button", name=f"Move to {state}", exact=True).click()
    expect(page.locator(".messages")).not_to_contain_text("cannot")
    expect(page.locator("#status-title")).to_contain_text(state.capitalize())


def test_a_level_2_published_hallucination_from_recording_to_closure(page: Page, app, shot, open_step,
                                                                     open_form):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{app}/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # 1. Detect and record: published on the website, written with a tool outside the inventory.
    page.goto(f"{app}/incidents/record/")
    page.get_by_label("What happened").fill("Website chatbot invented a refund policy, published on the FAQ page")
    page.get_by_label("Details (optional)").fill("A FAQ answer drafted with Copy.ai promised a 90-day refund "
                                                   "we do not offer; it was live on the website for two days.")
    page.get_by_label("Which AI tool").fill(TOOL)
    page.get_by_role("group", name="Is personal data involved?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Was the output published outside the organisation?").get_by_label("Yes", exact=True).check()
    expect(page.locator("#preview-level")).to_have_text("2")
    page.get_by_role("button", name="Record incident").click()
    expect(page.locator(".messages")).to_contain_text("Recorded")
    reference = page.locator("h1").inner_text().split(" ")[0]
    workspace = page.url
    expect(page.locator("#severity-level")).to_have_text("2")
    expect(page.locator(".badge.bad")).to_have_text(f"{TOOL} (outside inventory)")
    expect(clock(page, "Correct the external publication")).to_contain_text("Due")
    expect(clock(page, "Update the AI tool inventory")).not_to_contain_text("Done")

    # 2. Contain: the published answer is corrected; that settles the correction clock by the act.
    page.locator("#containment summary").click()
    containment = page.locator("#containment")
    containment.get_by_label("Containment action").select_option(label="Remove or correct published content")
    containment.get_by_label("What exactly").fill("Replaced the FAQ answer with the real refund policy")
    containment.get_by_label("Who did it").fill("Web editor")
    containment.get_by_label("Result").select_option(label="Harm stopped")
    page.get_by_role("button", name="Record containment").click()
    expect(containment).to_contain_text("Remove or correct published content")
    expect(clock(page, "Correct the external publication")).to_contain_text("Done")
    move_to(page, "contained")

    # 3. Classify definitively, with reasoning, then move on.
    open_form(page, "classify", "classify")
    page.get_by_label("Definitive level").select_option("2")
    page.get_by_label("Reasoning").fill("Wrong information published externally, corrected within days; no "
                                        "personal data, no harm to health or rights: level 2.")
    page.get_by_role("button", name="Classify definitively").click()
    expect(page.locator(".messages")).to_contain_text("Classified definitively")
    move_to(page, "classified")

    # The tool enters the inventory: the incident is linked to it and the inventory clock is done.
    page.get_by_role("link", name=f"Add {TOOL} to the inventory").click()
    expect(page).to_have_url(re.compile(r"/inventory/add/\?name="))
    expect(page.get_by_label("Name", exact=True)).to_have_value(TOOL)
    page.get_by_label("Provider", exact=True).fill("Copy.ai, Inc.")
    page.get_by_label("Purpose", exact=True).fill("Drafting marketing and FAQ texts")
    page.get_by_label("Owner", exact=True).fill("Marketing lead")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(f"Saved {TOOL}")
    expect(page.locator("main")).to_contain_text(reference)
    page.goto(workspace)
    expect(page.locator(".badge.bad")).to_have_count(0)
    expect(page.get_by_role("link", name=f"Add {TOOL} to the inventory")).to_have_count(0)
    expect(page.locator("#facts-title + p + table")).to_contain_text(TOOL)
    expect(clock(page, "Update the AI tool inventory")).to_contain_text("Done")

    # 5. Investigate and document: "human error" alone would be refused; the tool failed too.
    open_step(page, "investigate")
    page.locator("#rca summary").click()
    rca = page.locator("#rca")
    rca.get_by_label("What happened").fill("A chatbot answer drafted with Copy.ai invented a 90-day refund policy.")
    rca.get_by_label("Why it happened").fill("The tool fabricates plausible policies; nobody checked the answer "
                                             "against the real terms before publishing.")
    rca.get_by_label("What was done").fill("The FAQ answer was corrected and Copy.ai added to the inventory.")
    rca.get_by_label("Impact").fill("Visitors saw a wrong refund policy for two days; no claims so far.")
    rca.get_by_label("What changes to prevent recurrence").fill("A second person checks AI-drafted public texts.")
    rca.get_by_label("Human error").check()
    rca.get_by_label("The analysis is complete").check()
    page.get_by_role("button", name="Save analysis").click()
    # Refused, stored nothing, and said why beside the field; what was typed is still there.
    expect(page.locator(".messages")).to_contain_text("Nothing was saved. Systemic cause: human error is the only")
    expect(rca.locator(".has-error")).to_contain_text("Fix the system, not just the person")
    expect(rca.get_by_label("What happened")).to_have_value(re.compile("invented a 90-day refund policy"))
    expect(rca.get_by_label("Human error")).to_be_checked()
    expect(rca.get_by_label("The analysis is complete")).to_be_checked()
    rca.get_by_label("Tool failure").check()
    page.get_by_role("button", name="Save analysis").click()
    expect(page.locator("#rca")).to_contain_text("Completed")

    # Corrective action: planned, implemented, verified effective.
    open_step(page, "learn")
    page.locator("#capa summary").click()
    capa = page.locator("#capa")
    capa.get_by_label("Action", exact=True).fill("Four-eyes review of every AI-drafted text before publication")
    capa.get_by_label("How effectiveness will be checked").fill("Audit the next 10 published FAQ answers")
    capa.get_by_label("Due", exact=True).fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Plan action").click()
    expect(capa.locator(".badge")).to_have_text("Open")
    capa.get_by_label("Next").select_option(label="Implemented")
    capa.get_by_role("button", name="Save").click()
    expect(capa.locator(".badge")).to_contain_text("Implemented")
    capa.get_by_label("Next").select_option(label="Verified effective")
    capa.get_by_label("Result or reason").fill("10 answers audited: each reviewed by a second person")
    capa.get_by_role("button", name="Save").click()
    expect(capa.locator(".badge")).to_have_text("Verified effective")

    # 6. Learn: a lesson for the AI usage policy, accepted.
    open_step(page, "learn")
    page.locator("#lessons summary").click()
    lessons = page.locator("#lessons")
    lessons.get_by_label("Feeds into").select_option(label="AI usage policy")
    lessons.get_by_label("Lesson").fill("AI-drafted public texts need a human check against our real terms")
    page.get_by_role("button", name="Propose").click()
    lessons.get_by_label("Decision").select_option(label="Accept")
    lessons.get_by_label("Change-log line or reason").fill("Section 4: public texts drafted with AI are reviewed")
    page.get_by_role("button", name="Decide").click()
    expect(lessons.locator(".badge")).to_have_text("Accepted")

    # The rest of the lifecycle, in the order the Status panel allows.
    move_to(page, "investigating")
    move_to(page, "resolved")
    move_to(page, "closed")

    # Closed: every step done, both level 2 clocks done by the act, and nothing left to change.
    expect(page.locator("#status-title")).to_have_text("Status: Closed")
    expect(page.locator("h1 + p .badge").filter(has_text="Closed")).to_have_count(1)
    steps = page.locator("#checklist > li")
    expect(steps).to_have_count(6)
    for i, name in enumerate(("Detect and record", "Contain", "Classify", "Notify", "Investigate and document",
                              "Learn and adapt")):
        expect(steps.nth(i)).to_contain_text(name)
        # Notify: no legal obligation applies to this level 2 incident, so the step is done as "not needed".
        expect(steps.nth(i).locator(".sr-only")).to_have_text("not needed" if name == "Notify" else "done")
    expect(steps.nth(3)).to_contain_text("No external notification required")
    expect(page.locator("#checklist")).not_to_contain_text("to do")
    for action in ("Correct the external publication", "Update the AI tool inventory"):
        expect(clock(page, action)).to_contain_text("Done")
        expect(clock(page, action)).not_to_contain_text("Settled by hand")
    expect(page.locator("#locked")).to_contain_text("This incident is closed")
    expect(page.get_by_role("button", name="Record containment")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit facts")).to_have_count(0)
    expect(page.get_by_role("button", name="Classify definitively")).to_have_count(0)
    expect(page.locator("#status").get_by_role("button", name="Move to", exact=False)).to_have_count(0)
    # The only forms left: who may see it (restricting protects, it rewrites nothing) and the reopen.
    actions = page.locator("main form").evaluate_all("forms => forms.map(f => new URL(f.action).pathname)")
    # (and a legal hold: it protects the record, it rewrites nothing)
    assert sorted(actions) == [f"/incidents/{reference}/access/", f"/incidents/{reference}/legal-hold/",
                               f"/incidents/{reference}/status/"], actions
    expect(page.get_by_label("Reason for reopening")).to_be_visible()
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    shot(page, "level2-closed.png")
