"""The workspace around "what do I do now" (issue 13): next action, steps one at a time, possible moves only,
facts edited in place, read-only for the viewer and auditor and for a closed incident."""

import re

import pytest

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def incident(record):
    return record()


def _open_steps(page: str) -> list[str]:
    return re.findall(r'<details class="step" id="step-([a-z]+)" name="workspace-step" open>', page)


def test_the_next_action_is_the_first_step_not_done_and_only_its_section_is_open(incident, as_person):
    page = as_person("manager").get(f"/incidents/{incident.reference}/").content.decode()
    next_action = page.split('id="next-action"')[1].split("</section>")[0]
    assert "Next: Contain" in next_action
    assert "record a containment action that stopped the harm" in next_action.lower()
    assert _open_steps(page) == ["contain"]


def test_a_step_asked_for_opens_instead(incident, as_person):
    page = as_person("manager").get(f"/incidents/{incident.reference}/?step=learn").content.decode()
    assert _open_steps(page) == ["learn"]


def test_only_possible_moves_are_buttons_and_each_other_one_says_why_in_one_line(incident, as_person):
    page = as_person("manager").get(f"/incidents/{incident.reference}/").content.decode()
    status = page.split('id="status"')[1].split("</section>")[0]
    assert "<button" not in status.split('id="moves-in-full"')[0]  # nothing is possible before containment
    line = re.search(r'id="why-closed" class="muted">(.*?)</span>', status, re.S).group(1)
    assert line.startswith("needs: record a containment action that stopped the harm (step 2) (and ")
    assert "Everything each status still needs" in status


def test_after_containment_the_move_is_a_button_and_the_next_action_offers_it(incident, as_person):
    client = as_person("responder")
    client.post(f"/incidents/{incident.reference}/containment/", {
        "containment-kind": "stop_operation", "containment-taken_at": "2026-11-20T10:00",
        "containment-taken_by": "Ana", "containment-result": "effective"})
    page = client.get(f"/incidents/{incident.reference}/").content.decode()
    status = page.split('id="status"')[1].split("</section>")[0]
    assert '<button type="submit">Move to contained</button>' in status
    assert 'id="why-contained"' not in status
    assert "Move the incident to contained" in page.split('id="next-action"')[1].split("</section>")[0]


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_the_viewer_and_the_auditor_read_a_workspace_without_any_form(incident, as_person, role):
    page = as_person(role).get(f"/incidents/{incident.reference}/").content.decode()
    main = page.split('<main id="main">')[1]
    assert "<form" not in main
    assert 'id="read-only"' in main
    assert "Edit facts" not in main


def test_the_facts_edit_form_comes_in_place_and_a_save_reloads_the_workspace(incident, as_person):
    client = as_person("manager")
    url = f"/incidents/{incident.reference}/edit/"
    part = client.get(url, **HX)
    html = part.content.decode()
    assert part.status_code == 200
    assert html.lstrip().startswith('<section class="panel" aria-labelledby="facts-title" id="facts">')
    assert "<html" not in html
    data = {k: v for k, v in part.context["form"].initial.items() if v is not None}
    data |= {"title": "A new title", "description": incident.description}
    data["detected_at"] = "2026-11-20T09:00"
    saved = client.post(url, data, **HX)
    assert saved.status_code == 200
    assert saved["HX-Redirect"] == f"/incidents/{incident.reference}/"
    incident.refresh_from_db()
    assert incident.title == "A new title"


def test_a_refused_facts_edit_in_place_keeps_what_was_typed_and_stores_nothing(incident, as_person):
    client = as_person("manager")
    url = f"/incidents/{incident.reference}/edit/"
    refused = client.post(url, {"title": "", "description": "Typed and kept", "detected_at": "not a time"}, **HX)
    html = refused.content.decode()
    assert refused.status_code == 200  # htmx swaps only a 2xx: the errors must reach the section
    assert 'id="facts"' in html
    assert "errorlist" in html
    assert "Typed and kept" in html
    incident.refresh_from_db()
    assert incident.title == "Chatbot gave a wrong answer"


def test_the_standalone_edit_page_still_works_without_htmx(incident, as_person):
    page = as_person("manager").get(f"/incidents/{incident.reference}/edit/").content.decode()
    assert "<h1>Edit " in page
    assert 'hx-post' not in page
