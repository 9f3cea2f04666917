"""The redesigned workspace in the browser (issue 13): what to do now, at 1366 px and at a phone's 390 px.

Also takes the README's screenshots at both widths (dashboard, register, workspace open and closed, triage,
audit log) into docs/screenshots/ when INCIDENTDESK_SCREENSHOTS=1 (``make screenshots``).
"""

import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

WIDTHS = (1366, 390)


def fresh(title: str = "Support bot pasted a customer's IBAN into a public answer"):
    """A level 3 personal-data incident recorded now, nothing done yet: "Contain" is next."""
    from django.contrib.auth import get_user_model

    from incidentdesk.incidents.services import record_incident

    manager = get_user_model().objects.get(username="manager")
    return record_incident(title=title, by=manager, description="Averyverylongunbrokenidentifier" * 6,
                           detected_at=timezone.now() - timedelta(hours=1), tools=["Website chatbot"],
                           facts={"published_externally": True, "personal_data": {"involved": True}})


def closed_incident():
    """An incident taken to closed through the services, as tests/test_closed_is_locked.py does (no time travel)."""
    from django.contrib.auth import get_user_model

    from incidentdesk.breaches.services import decide_breach
    from incidentdesk.capa import services as capa
    from incidentdesk.containment.services import contain
    from incidentdesk.evidence.services import add_evidence
    from incidentdesk.incidents import lifecycle
    from incidentdesk.incidents.services import classify, record_incident
    from incidentdesk.investigation.services import save_analysis
    from incidentdesk.lessons import services as lessons
    from incidentdesk.notifications.services import record_notification
    from tests.test_closed_is_locked import FACTS

    by = get_user_model().objects.get(username="manager")
    now = timezone.now()
    incident = record_incident(title="Learner's health data pasted into ChatGPT", by=by, facts=FACTS,
                               description="A coach pasted a learner's medical note into ChatGPT.",
                               detected_at=now - timedelta(hours=2), tools=["ChatGPT Team"], categories=["privacy"])
    contain(incident=incident, kind="stop_operation", taken_at=now - timedelta(hours=1), taken_by="Founder",
            description="Chat deleted", result="effective", by=by)
    add_evidence(incident=incident, stream=io.BytesIO(b"coach: summarise this note\n"), name="chat.txt", by=by)
    classify(incident=incident, level=3, reasoning="Health data of one learner shared with an AI service", by=by)
    decide_breach(incident=incident, notify_authority=True, communicate_subjects=False,
                  reasons="Notify the authority; the learner is told in person", by=by)
    for o in incident.obligations.filter(completed_at__isnull=True, status__in=("pending", "overdue")):
        if o.rule_id not in ("PROC-6-5-RCA", "PROC-6-3-CLASSIFY"):
            record_notification(incident=incident, recipient=o.recipient or "Belgian DPA", rule_id=o.rule_id,
                                channel="portal", sent_at=now - timedelta(minutes=30), by=by)
    save_analysis(incident=incident, by=by, complete=True, what_happened="Medical note pasted into ChatGPT",
                  why="The policy was silent on health data", what_was_done="Chat deleted, DPA notified",
                  impact="One learner", what_changes="Policy forbids special-category data",
                  cause_categories=["policy_gap"])
    action = capa.plan(incident=incident, description="Add a special-category rule to the policy", assignee=by,
                       due_on=date.today() + timedelta(days=7), by=by)
    capa.implement(action=action, by=by)
    capa.verify(action=action, effective=True, result="20 chats checked", method="Spot check", by=by)
    lesson = lessons.propose(incident=incident, target="policy", text="Say which data never goes into AI", by=by)
    lessons.decide(lesson=lesson, accept=True, by=by, summary="Section 3: no special-category data")
    for state in ("contained", "classified", "notified", "investigating", "resolved", "closed"):
        lifecycle.transition(incident=incident, to=state, by=by)
    return incident


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("innerWidth")
    assert width <= inner, f"the page scrolls sideways: {width}px wide in a {inner}px window"


def nav_on_one_line(page: Page) -> None:
    tops = page.locator("header.top nav a").evaluate_all("links => links.map(a => a.offsetTop)")
    assert len(set(tops)) == 1, f"the nav wraps: {tops}"


def test_the_workspace_at_a_phones_width_does_not_scroll_sideways(page: Page, app, sign_in):
    incident = fresh()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/{incident.reference}/")
    expect(page.locator("#next-action")).to_be_visible()
    no_sideways_scroll(page)
    nav_on_one_line(page)  # one row that scrolls by itself, not four rows of links
    for key in ("contain", "notify", "investigate"):  # every step's forms fit too
        page.locator(f"#step-{key} > summary").click()
        no_sideways_scroll(page)


def test_the_nav_stays_on_one_line_at_1366(page: Page, app, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "demo")  # the administrator has the most links
    page.goto(f"{app}/")
    nav_on_one_line(page)
    overflow = page.locator("header.top nav").evaluate("n => n.scrollWidth - n.clientWidth")
    assert overflow <= 1, f"the nav hides {overflow}px of links at 1366 px"


def test_the_next_action_and_only_the_possible_moves(page: Page, app, sign_in):
    incident = fresh()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/{incident.reference}/")
    expect(page.locator("#next-action h2")).to_have_text("Next: Contain")
    status = page.locator("#status")
    expect(status.get_by_role("button", name=re.compile("^Move to"))).to_have_count(0)
    expect(status.locator("#why-contained")).to_have_text(
        "needs: record a containment action that stopped the harm (step 2)")
    expect(page.locator("#step-contain")).to_have_attribute("open", "")
    expect(page.locator("details.step[open]")).to_have_count(1)

    page.locator("#containment summary").click()
    page.get_by_label("Containment action").select_option("stop_operation")
    page.get_by_label("Who did it").fill("Web editor")
    page.locator("#containment").get_by_label("Result").select_option("effective")
    page.get_by_role("button", name="Record containment").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(status.get_by_role("button", name="Move to contained", exact=True)).to_be_visible()
    expect(status.locator("#why-contained")).to_have_count(0)
    expect(page.locator("#next-action h2")).to_have_text("Next: Classify")
    page.locator("#next-action").get_by_role("button", name="Move the incident to contained").click()
    expect(page.locator("#status-title")).to_have_text("Status: Contained")
    expect(page.locator("#activity li").first).to_contain_text("manager moved the incident from detected to contained")

    # Another step opens on its own; the one that was open closes (no JavaScript of ours: <details name>).
    page.locator("#step-learn > summary").click()
    expect(page.locator("#step-learn")).to_have_attribute("open", "")
    expect(page.locator("details.step[open]")).to_have_count(1)


def test_the_facts_are_edited_in_place(page: Page, app, sign_in):
    incident = fresh()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "manager")
    workspace = f"{app}/incidents/{incident.reference}/"
    page.goto(workspace)
    page.locator("#facts").get_by_role("link", name="Edit facts").click()
    expect(page.locator("#facts-title")).to_have_text("Edit the facts")
    assert page.url == workspace  # the form came into the page: no new page
    page.locator("#facts").get_by_label("Affected parties").fill("One customer whose IBAN was shown")
    page.locator("#facts").get_by_role("button", name="Save").click()
    # A save recomputes severity and every clock, then reloads the page: slow on a loaded machine.
    expect(page.locator(".messages")).to_contain_text("recomputed", timeout=30_000)
    expect(page.locator("#facts-title")).to_have_text("Facts")
    expect(page.locator("#facts")).to_contain_text("One customer whose IBAN was shown")

    page.locator("#facts").get_by_role("link", name="Edit facts").click()
    page.locator("#facts").get_by_label("Title").fill("")
    page.locator("#facts").get_by_role("button", name="Save").click()
    expect(page.locator("#facts .errorlist").first).to_be_visible()  # refused in place, nothing stored
    expect(page.locator("#facts").get_by_label("Affected parties")).to_have_value("One customer whose IBAN was shown")
    page.locator("#facts").get_by_role("link", name="Cancel").click()
    expect(page.locator("h1")).to_contain_text("Support bot pasted")


def test_the_rca_form_keeps_its_input_in_its_open_step(page: Page, app, sign_in):
    incident = fresh()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/{incident.reference}/?step=investigate")
    page.locator("#rca summary").click()
    rca = page.locator("#rca")
    rca.get_by_label("What happened").fill("The bot pasted an IBAN into a public answer.")
    rca.get_by_label("Why it happened").fill("It had the customer record in its context.")
    rca.get_by_label("What was done").fill("Answer deleted.")
    rca.get_by_label("Impact").fill("One customer.")
    rca.get_by_label("What changes to prevent recurrence").fill("No customer records in the bot's context.")
    rca.get_by_label("Human error").check()
    rca.get_by_label("The analysis is complete").check()
    page.get_by_role("button", name="Save analysis").click()
    expect(page.locator(".messages")).to_contain_text("Nothing was saved")
    expect(page.locator("#step-investigate")).to_have_attribute("open", "")  # although "Contain" is next
    expect(rca.get_by_label("What happened")).to_have_value("The bot pasted an IBAN into a public answer.")
    expect(rca.get_by_label("What changes to prevent recurrence")).to_have_value(
        "No customer records in the bot's context.")
    expect(rca.get_by_label("Human error")).to_be_checked()
    expect(rca.locator(".has-error")).to_contain_text("Fix the system, not just the person")


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_the_viewer_and_the_auditor_read_without_forms(page: Page, app, role, sign_in):
    incident = fresh()
    sign_in(page, app, role)
    page.goto(f"{app}/incidents/{incident.reference}/")
    expect(page.locator("#read-only")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("#next-action h2")).to_have_text("Next: Contain")  # what is next, without a button
    expect(page.locator("#next-action a.button")).to_have_count(0)


def test_a_closed_incident_reads_as_a_record(page: Page, app, sign_in):
    incident = closed_incident()
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/{incident.reference}/")
    expect(page.locator("#locked")).to_contain_text("This incident is closed")
    expect(page.locator("#next-action h2")).to_have_text("This incident is closed")
    actions = page.locator("main form").evaluate_all("forms => forms.map(f => new URL(f.action).pathname)")
    ref = incident.reference  # a legal hold protects the record and rewrites nothing: it stays possible
    assert sorted(actions) == [f"/incidents/{ref}/access/", f"/incidents/{ref}/legal-hold/", f"/incidents/{ref}/status/"]
    expect(page.locator("details.step[open]")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, app, "viewer")
    page.goto(f"{app}/incidents/{incident.reference}/")
    expect(page.locator("main form")).to_have_count(0)


def test_screenshots_at_1366_and_390(page: Page, app, shot, sign_in):
    """The README's pictures at both widths; the workspace, open and closed, never scrolls sideways."""
    from incidentdesk.incidents.models import Incident

    closed = closed_incident()
    open_ = Incident.objects.exclude(pk=closed.pk).order_by("-severity_level", "reference").first()
    sign_in(page, app, "demo")
    pages = {"dashboard": "/", "register": "/incidents/", "workspace": f"/incidents/{open_.reference}/",
             "workspace-closed": f"/incidents/{closed.reference}/", "triage": "/triage/", "audit-log": "/audit/"}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(f"{app}{path}")
            expect(page.locator("h1").first).to_be_visible()
            if name.startswith("workspace"):
                no_sideways_scroll(page)
            shot(page, f"{name}-{width}.png")
