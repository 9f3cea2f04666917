"""Sending: parts only a person can write block it; a later version follows up the one sent (GDPR Art 33(4))."""

from datetime import UTC, datetime, timedelta

import pytest

from conftest import NOW, table_counts
from incidentdesk.notifications import services
from incidentdesk.notifications.drafts import changes, words

pytestmark = pytest.mark.usefixtures("frozen_now")


def test_art_34_cannot_be_recorded_as_sent_until_its_summary_is_written(hr_case, manager):
    draft = services.create_draft(incident=hr_case, kind="gdpr_34", rule_id="GDPR-34-1-SUBJECTS", language="nl",
                                  by=manager)
    marker = words("nl")["meta"]["fill_summary"]
    before = table_counts()
    with pytest.raises(services.DraftRefused, match="only you can write"):
        services.send_draft(draft=draft, recipient="Applicants", channel="email", sent_at=NOW, by=manager, now=NOW)
    assert table_counts() == before
    body = draft.body.replace(
        marker, "Ons selectiemodel heeft sollicitaties van kandidaten ouder dan 50 jaar ten onrechte afgewezen.")
    # The contact point was typed in English, the organisation's language: a person checks it reads in Dutch.
    body = body.replace(words("nl")["meta"]["fill_translate"], "")
    written = services.edit_draft(draft=draft, subject=draft.subject, by=manager, body=body)
    services.send_draft(draft=written, recipient="Applicants", channel="email", sent_at=NOW, by=manager, now=NOW)
    assert hr_case.obligations.get(rule_id="GDPR-34-1-SUBJECTS").completed_at == NOW


def test_an_edit_that_fills_an_element_takes_it_off_the_unknown_list(hr_case, manager):
    draft = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    t = words("en")["gdpr_33"]
    assert draft.unknown == [t["type"], t["record_count"]]
    marked = f"### {t['record_count']}\n\n*{words('en')['meta']['to_follow']}*"
    edited = services.edit_draft(draft=draft, subject=draft.subject, by=manager,
                                 body=draft.body.replace(marked, f"### {t['record_count']}\n\n120"))
    assert edited.unknown == [t["type"]]


def test_a_late_art_33_asks_for_the_reasons_for_the_delay(hr_case, manager, frozen_now):
    frozen_now.move_to(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))  # more than 72 hours after awareness
    draft = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    assert words("en")["gdpr_33"]["delay"] in draft.body
    with pytest.raises(services.DraftRefused, match="72 hours"):
        services.send_draft(draft=draft, recipient="GBA", channel="portal", by=manager,
                            sent_at=datetime(2026, 11, 24, 11, 0, tzinfo=UTC))


def test_a_follow_up_is_a_new_version_that_says_what_changed_since_the_one_sent(hr_case, manager, as_person):
    from incidentdesk.containment.services import contain

    first = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    services.send_draft(draft=first, recipient="GBA", channel="portal", sent_at=NOW, by=manager,
                        reference="GBA-2026-0042", now=NOW)
    contain(incident=hr_case, kind="preserve_evidence", taken_at=NOW + timedelta(hours=1), taken_by="IT",
            by=manager, description="Screening logs exported.", now=NOW + timedelta(hours=1))
    follow_up = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    assert follow_up.version == 2
    assert "our notification of 22 November 2026 (your reference GBA-2026-0042)" in follow_up.body
    assert follow_up.last_sent() == first
    diff = changes(first.body, follow_up.body)
    added = [line for change, line in diff if change == "added"]
    assert any("We secured the records needed to investigate" in line for line in added)
    assert ("removed", "- " + words("en")["meta"]["to_follow"]) not in diff  # only real lines, no noise

    page = as_person("viewer").get(f"/incidents/{hr_case.reference}/drafts/{follow_up.pk}/").content.decode()
    assert 'id="changes-since-sent"' in page
    assert "Screening logs exported." in page.split('id="changes-since-sent"', 1)[1].split("</section>", 1)[0]

    # Sending the follow-up records a second notification; the obligation stays met at the first.
    services.send_draft(draft=follow_up, recipient="GBA", channel="portal", sent_at=NOW + timedelta(hours=2),
                        by=manager, now=NOW + timedelta(hours=2))
    assert hr_case.notifications.count() == 2
    assert hr_case.obligations.get(rule_id="GDPR-33-1-SA").completed_at == NOW


def test_the_api_shows_the_version_followed_up_and_its_changes(hr_case, manager, people, client):
    from incidentdesk.accounts.tokens import create_token

    first = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    services.send_draft(draft=first, recipient="GBA", channel="portal", sent_at=NOW, by=manager, now=NOW)
    second = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    _, token = create_token(user=people["viewer"], name="t", scopes=["read"], by=people["administrator"])
    body = client.get(f"/api/incidents/{hr_case.reference}/drafts/{second.pk}",
                      headers={"Authorization": f"Bearer {token}"}).json()
    assert body["follows_version"] == 1
    assert {"change": "added", "line": body["body"].splitlines()[3]} in body["changes_since_sent"]


def test_a_draft_written_in_time_but_sent_late_must_be_written_again_with_the_reasons(hr_case, manager, frozen_now):
    """Found by review: lateness was judged when the draft was written, so a draft written at 70 h and sent at
    75 h went out without the reasons for the delay that Art 33(1) asks for."""
    frozen_now.move_to(NOW)  # in time: no delay section
    draft = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    assert words("en")["gdpr_33"]["delay"] not in draft.body
    late = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    frozen_now.move_to(late)
    with pytest.raises(services.DraftRefused, match="reasons for the delay"):
        services.send_draft(draft=draft, recipient="GBA", channel="portal", by=manager, sent_at=late)
    assert not draft.incident.notifications.exists()
