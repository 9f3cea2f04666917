"""Issue 13 in the browser: owning an incident, assigning and reassigning a task, "my work", and a comment with
a mention that the person finds in their work and marks read."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("transactional_register")


def test_owner_and_task_assignment_my_work_and_a_mention(page: Page, app, shot, sign_in, sign_out):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app, "manager")
    page.goto(f"{app}/incidents/record/")
    page.get_by_label("What happened").fill("Chatbot quoted a refund policy we do not have")
    page.get_by_role("group", name="Is personal data involved?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Was the output published outside the organisation?").get_by_label(
        "Yes", exact=True).check()
    page.get_by_role("button", name="Record incident").click()
    reference = page.locator("h1").inner_text().split(" ")[0]
    workspace = page.url

    # The recorder, an incident manager, owns it; the owner is handed to the administrator, then back.
    owner = page.locator("#owner")
    expect(owner).to_contain_text("manager")
    page.get_by_text("Change owner").click()
    page.get_by_label("Owner (incident manager)").select_option("demo")
    page.get_by_role("button", name="Set owner").click()
    expect(page.locator(".messages")).to_contain_text("Owner saved.")
    expect(page.locator("#owner")).to_contain_text("demo")
    page.get_by_text("Change owner").click()
    page.get_by_label("Owner (incident manager)").select_option("manager")
    page.get_by_role("button", name="Set owner").click()
    expect(page.locator("#owner")).to_contain_text("manager")

    # A containment action whose result is not known yet: its follow-up is assigned, then reassigned.
    page.locator("#containment summary").first.click()
    page.get_by_label("Containment action").select_option("stop_operation")
    page.get_by_label("Who did it").fill("Web team")
    page.get_by_role("button", name="Record containment").click()
    row = page.locator("#containment li").first
    row.locator("details.assign summary").click()
    row.get_by_label("Assigned to").select_option("manager")
    row.get_by_role("button", name="Assign").click()
    row = page.locator("#containment li").first
    expect(row.locator(".assignment")).to_contain_text("Assigned to manager")
    row.locator("details.assign summary").click()
    row.get_by_label("Assigned to").select_option("responder")
    row.get_by_label("Due by").fill("2030-01-15T17:00")
    row.get_by_role("button", name="Assign").click()
    expect(page.locator("#containment li").first.locator(".assignment")).to_contain_text(
        "Assigned to responder · due 2030-01-15 17:00")

    # A comment mentioning the responder (who can see it) and the reporter (who cannot: not told).
    page.get_by_label("Comment", exact=True).fill("@responder please confirm the bot is off. cc @reporter")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(".messages")).to_contain_text("Told responder.")
    expect(page.locator(".messages")).to_contain_text("Not told: @reporter (cannot see this incident).")
    sign_out(page)

    # The responder's work: the containment follow-up and the mention, with links.
    sign_in(page, app, "responder")
    page.get_by_role("link", name="My work").click()
    tasks = page.locator("#my-tasks")
    expect(tasks).to_contain_text("Record whether it stopped the harm: Stop the operation")
    expect(tasks).to_contain_text("manager mentioned you: @responder please confirm the bot is off.")
    expect(tasks.get_by_role("link", name=reference).first).to_be_visible()
    shot(page, "my-work.png")
    tasks.get_by_role("link", name="manager mentioned you", exact=False).click()
    comment = page.locator("#comments li.mentioned")
    expect(comment).to_contain_text("please confirm the bot is off")
    comment.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".messages")).to_contain_text("Marked as read.")
    page.goto(f"{app}/my-work/")
    expect(page.locator("#my-tasks")).not_to_contain_text("mentioned you")
    expect(page.locator("#my-tasks")).to_contain_text("Stop the operation")

    # The viewer reads who does what but has no form to change it, and cannot comment.
    sign_out(page)
    sign_in(page, app, "viewer")
    page.goto(workspace)
    expect(page.locator("#owner")).to_contain_text("manager")
    expect(page.get_by_text("Change owner")).to_have_count(0)
    expect(page.get_by_role("button", name="Add comment")).to_have_count(0)
    expect(page.locator("#containment .assignment").first).to_contain_text("Assigned to responder")
