"""The yearly tabletop (our incident procedure, section 9: a level 2 response) run in the browser, from the
scenario library to the exercise report, by an incident manager as facilitator.

Everything after the setup (the demo organisation and its logins) happens in the web UI.
"""

from playwright.sync_api import Page, expect

from incidentdesk.cli.demo import PASSWORD


def clock(page: Page, action: str):
    return page.locator("#clocks > li").filter(has_text=action)


def test_the_level_2_exercise_from_scenario_to_exercise_report(page: Page, app, shot):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{app}/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    # 1. The scenario library: start the procedure's own yearly exercise.
    page.get_by_role("link", name="Exercises", exact=True).click()
    expect(page.locator("#scenarios")).to_contain_text("AI-invented statistic in a published blog post")
    page.get_by_label("Scenario", exact=True).select_option("level2-publication")
    page.get_by_role("button", name="Start the exercise").click()
    expect(page.locator(".messages")).to_contain_text("Exercise started")
    reference = page.locator("h1").inner_text().split(" ")[0]
    workspace = page.url
    expect(page.locator("#exercise-banner")).to_contain_text("EXERCISE")
    expect(page.locator("#severity-level")).to_have_text("2")
    expect(clock(page, "Correct the external publication")).to_contain_text("Due")
    expect(clock(page, "Update the AI tool inventory")).to_have_count(0)  # every tool is in the inventory

    # 2. The facilitator reveals an inject: a tool outside the inventory, and its clock starts.
    injects = page.locator("#injects > li")
    expect(injects).to_have_count(3)
    injects.filter(has_text="It was not drafted with the approved tool").get_by_role("button", name="Reveal").click()
    expect(page.locator(".messages")).to_contain_text("Inject revealed")
    expect(injects.filter(has_text="It was not drafted with the approved tool")).to_contain_text("revealed")
    expect(page.locator(".badge.bad")).to_contain_text("ChatGPT (personal account) (outside inventory)")
    expect(clock(page, "Update the AI tool inventory")).to_contain_text("without undue delay")

    # 3. The team contains and classifies, as for a real incident.
    page.locator("#containment summary").click()
    containment = page.locator("#containment")
    containment.get_by_label("Containment action").select_option(label="Remove or correct published content")
    containment.get_by_label("What exactly").fill("Corrected the figure in the post and the newsletter archive")
    containment.get_by_label("Who did it").fill("Web editor")
    containment.get_by_label("Result").select_option(label="Harm stopped")
    page.get_by_role("button", name="Record containment").click()
    expect(clock(page, "Correct the external publication")).to_contain_text("Done")
    for selector in ("#step-classify", "details#classify"):  # the step, then its form, open only when asked for
        if page.locator(selector).get_attribute("open") is None:
            page.locator(f"{selector} > summary").click()
    page.get_by_label("Definitive level").select_option("2")
    page.get_by_label("Reasoning").fill("Wrong figure published; no personal data; corrected at once: level 2.")
    page.get_by_role("button", name="Classify definitively").click()
    expect(page.locator(".messages")).to_contain_text("Classified definitively")

    # 4. A lesson, recorded like a real incident's.
    if page.locator("#step-learn").get_attribute("open") is None:  # the lessons live in the Learn step
        page.locator("#step-learn > summary").click()
    page.locator("#lessons summary").first.click()
    lessons = page.locator("#lessons")
    lessons.get_by_label("Feeds into").select_option(label="AI usage policy")
    lessons.get_by_label("Lesson").fill("Only the company's AI accounts may draft public texts")
    page.get_by_role("button", name="Propose").click()
    expect(lessons).to_contain_text("Only the company's AI accounts")

    # 5. End the exercise: it is this year's tabletop.
    page.get_by_role("button", name="End the exercise").click()
    expect(page.locator(".messages")).to_contain_text("Exercise ended")
    expect(page.get_by_role("button", name="Reveal")).to_have_count(0)
    shot(page, "exercise-workspace.png")

    # 6. The exercise report: the team against the clocks, in words.
    page.locator("#exercise").get_by_role("link", name="Exercise report").click()
    report = page.locator("#exercise-report")
    expect(page.locator("#exercise-banner")).to_contain_text("EXERCISE")
    expect(report).to_contain_text("Against the clocks")
    expect(report).to_contain_text("2 of 2 deadlines met.")
    expect(report).to_contain_text("Contain")
    expect(report).to_contain_text("to spare")
    expect(report).to_contain_text("It was not drafted with the approved tool")
    expect(report).to_contain_text("Only the company's AI accounts may draft public texts")
    shot(page, "exercise-report.png")
    pdf = page.request.get(f"{app}/incidents/{reference}/exercise/report/pdf/")
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")

    # 7. It counts as the tabletop, and it is in no figure: not on the register's default view.
    page.get_by_role("link", name="Readiness").click()
    expect(page.locator("#ready")).to_contain_text("A tabletop exercise within 12 months")
    page.get_by_role("link", name="Register").click()
    expect(page.locator("#register")).not_to_contain_text(reference)
    page.goto(f"{app}/incidents/?exercises=only")
    expect(page.locator("#register")).to_contain_text(reference)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(workspace)
    expect(page.locator("#exercise-banner")).to_be_visible()
