"""The law change in the browser (dashboard banner, the review page, apply) and in the API."""

import pytest

from conftest import table_counts
from incidentdesk.incidents.models import Incident, Status

from .test_law_change import CLASSIFY, classify_in_12_hours

pytestmark = pytest.mark.usefixtures("frozen_now")


def token_for(user, scopes=("read", "write")):
    from incidentdesk.accounts.tokens import create_token

    return {"Authorization": f"Bearer {create_token(user=user, name='t', by=None, scopes=list(scopes))[1]}"}


def test_the_dashboard_says_when_the_rules_changed_and_how_many_incidents_would_change(record, rules_dir,
                                                                                        as_person):
    record()
    assert "law-change-banner" not in as_person("manager").get("/").content.decode()
    classify_in_12_hours(rules_dir)

    page = as_person("manager").get("/").content.decode()

    assert "The rules changed on 21 November 2026: 1 open incident would change" in page
    assert 'href="/law-change/"' in page


def test_no_banner_for_a_role_that_may_not_reevaluate(record, rules_dir, as_person):
    record()
    classify_in_12_hours(rules_dir)
    assert "law-change-banner" not in as_person("viewer").get("/").content.decode()


def test_the_page_shows_each_clock_before_and_after_with_the_rule_file(record, rules_dir, as_person):
    incident = record()
    classify_in_12_hours(rules_dir)

    page = as_person("manager").get("/law-change/").content.decode()

    assert "<td>Incident procedure (internal deadlines)</td><td>1.1.0</td><td>1.2.0</td><td>2026-11-21</td>" in page
    block = page[page.index(f'id="pending-{incident.reference}"'):]
    assert "Seed procedure §6 step 3 · rule PROC-6-3-CLASSIFY v1.1.0 → v1.2.0" in block
    assert "<td>Moves</td>" in block
    assert block.index("2026-11-21 09:00") < block.index("2026-11-20 21:00")  # old, then new (Brussels time)


def test_applying_the_ticked_incidents_leaves_the_others_and_opens_the_review(record, rules_dir, as_person):
    first, second = record(), record()
    classify_in_12_hours(rules_dir)
    client = as_person("manager")

    response = client.post("/law-change/apply/", {"references": [first.reference]}, follow=True)

    assert f"Re-evaluated {first.reference}" in response.content.decode()
    assert first.obligations.get(rule_id=CLASSIFY).rule_version == "1.2.0"
    assert second.obligations.get(rule_id=CLASSIFY).rule_version == "1.1.0"
    assert f'id="pending-{second.reference}"' in response.content.decode()
    assert "Procedure review open" in response.content.decode()
    log = client.get("/changes/").content.decode()
    assert "Review open" in log
    assert 'changed from version 1.1.0 to version 1.2.0' in log


def test_applying_nothing_ticked_is_refused_and_stores_nothing(record, rules_dir, as_person):
    record()
    classify_in_12_hours(rules_dir)
    counts = table_counts()
    page = as_person("manager").post("/law-change/apply/", {}, follow=True).content.decode()
    assert "Nothing was changed. Tick the incidents to apply the change to" in page
    assert table_counts() == counts


def test_a_closed_incident_is_refused_with_why(record, rules_dir, as_person):
    closed = record()
    Incident.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    classify_in_12_hours(rules_dir)
    counts = table_counts()
    page = as_person("manager").post("/law-change/apply/", {"references": [closed.reference]},
                                     follow=True).content.decode()
    assert "a closed incident keeps the law that applied when it was handled" in page
    assert table_counts() == counts


def test_the_api_previews_then_applies_the_chosen_incidents(record, rules_dir, people, client):
    first, second = record(), record()
    classify_in_12_hours(rules_dir)
    headers = token_for(people["manager"])

    data = client.get("/api/law-change", headers=headers).json()

    assert data["changed_on"] == "2026-11-21"
    assert data["files"] == [{"regime": "internal", "title": "Incident procedure (internal deadlines)",
                              "version": "1.2.0", "last_checked": "2026-11-21", "computed_with": ["1.1.0"]}]
    moved = next(c for c in data["incidents"][0]["changes"] if c["rule_id"] == CLASSIFY)
    assert (moved["kind"], moved["due_before"], moved["due_after"]) == (
        "moves", "2026-11-21T08:00:00Z", "2026-11-20T20:00:00Z")

    applied = client.post("/api/law-change/apply", {"references": [second.reference]},
                          content_type="application/json", headers=headers)

    assert applied.json() == {"reevaluated": [second.reference]}
    assert [i["reference"] for i in client.get("/api/law-change", headers=headers).json()["incidents"]] == [
        first.reference]


def test_the_api_refuses_no_incident_or_a_closed_one(record, rules_dir, people, client):
    closed = record()
    Incident.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    classify_in_12_hours(rules_dir)
    headers = token_for(people["manager"])
    counts = table_counts()

    missing = client.post("/api/law-change/apply", {}, content_type="application/json", headers=headers)
    empty = client.post("/api/law-change/apply", {"references": []}, content_type="application/json",
                        headers=headers)
    blank = client.post("/api/law-change/apply", {"references": [" "]}, content_type="application/json",
                        headers=headers)
    refused = client.post("/api/law-change/apply", {"references": [closed.reference]},
                          content_type="application/json", headers=headers)

    assert (missing.status_code, empty.status_code, blank.status_code) == (422, 422, 422)
    assert "name at least one incident" in blank.json()["detail"]
    assert refused.status_code == 409
    assert "a closed incident keeps the law that applied" in refused.json()["detail"]
    assert table_counts() == counts


def test_the_workspace_says_its_clocks_await_the_law_change(record, rules_dir, as_person):
    incident = record()
    assert "law-change-note" not in as_person("viewer").get(f"/incidents/{incident.reference}/").content.decode()
    classify_in_12_hours(rules_dir)
    viewer = as_person("viewer").get(f"/incidents/{incident.reference}/").content.decode()
    assert "computed with earlier versions of the rule files" in viewer
    assert "An incident manager reviews and applies it" in viewer
    manager = as_person("manager").get(f"/incidents/{incident.reference}/").content.decode()
    assert f'href="/law-change/#pending-{incident.reference}"' in manager


def test_an_overdue_clock_is_shown_overdue_before_the_change(record, rules_dir, as_person):
    record()  # detected 20 Nov 08:00; at NOW (22 Nov 12:00) the 24-hour classification clock is overdue
    classify_in_12_hours(rules_dir)
    page = as_person("manager").get("/law-change/").content.decode()
    row = page[page.index("<td>Moves</td>"):]
    assert row.index("Overdue") < row.index("</tr>")


def test_apply_to_all_applies_to_those_the_page_listed_only(record, rules_dir, as_person):
    seen = record()
    classify_in_12_hours(rules_dir)
    client = as_person("manager")
    page = client.get("/law-change/").content.decode()
    assert f'name="shown" value="{seen.reference}"' in page
    later = record()  # recorded with the current files: not pending. Make it pending as if it had been older:
    later.obligations.filter(rule_id=CLASSIFY).update(rule_version="1.1.0")

    client.post("/law-change/apply/", {"all": "1", "shown": [seen.reference]})

    assert seen.obligations.get(rule_id=CLASSIFY).rule_version == "1.2.0"
    assert later.obligations.get(rule_id=CLASSIFY).rule_version == "1.1.0"  # not seen, not changed
