"""What the review of the merged drafts found: untranslated free text, bad requests, the Art 34 reader, French dates."""

from datetime import UTC, datetime

import pytest

from conftest import table_counts
from incidentdesk.notifications import services
from incidentdesk.notifications.drafts import draft, fill_markers, words
from incidentdesk.notifications.models import NotificationDraft
from incidentdesk.organisation.services import save_profile

from .drafts_cases import CONTACT, HR_DESCRIPTION, HR_PARTIES

pytestmark = pytest.mark.usefixtures("frozen_now")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _after(body: str, text: str) -> str:
    """The paragraph that follows ``text`` in ``body``."""
    return body.split(text, 1)[1].split("\n\n")[1]


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_english_free_text_in_another_language_is_marked_to_translate(hr_case, manager, language):
    marker = words(language)["meta"]["fill_translate"]
    body = draft(hr_case, "gdpr_33", "GDPR-33-1-SA", language=language).body
    for typed in (HR_DESCRIPTION, HR_PARTIES, CONTACT):
        assert _after(body, typed) == marker, typed
    assert marker in fill_markers(body)
    for kind in ("ai_act_73", "provider_notice", "nis2_notification", "authority_report", "tool_provider"):
        assert marker in draft(hr_case, kind, language=language).body, kind


def test_in_the_organisations_language_nothing_is_marked(hr_case, manager):
    body = draft(hr_case, "gdpr_33", "GDPR-33-1-SA").body
    assert fill_markers(body) == []
    save_profile(by=manager, draft_language="nl")  # people now type in Dutch: the English letter asks instead
    assert fill_markers(draft(hr_case, "gdpr_33", "GDPR-33-1-SA", language="nl").body) == []
    assert words("en")["meta"]["fill_translate"] in fill_markers(draft(hr_case, "gdpr_33", "GDPR-33-1-SA",
                                                                        language="en").body)


def test_a_letter_with_untranslated_text_cannot_be_recorded_as_sent(hr_case, manager):
    row = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", language="de", by=manager)
    before = table_counts()
    with pytest.raises(services.DraftRefused, match="übersetzen Sie den Text oben ins Deutsche"):
        services.send_draft(draft=row, recipient="GBA", channel="email", sent_at=NOW, by=manager, now=NOW)
    assert table_counts() == before


@pytest.mark.parametrize("language", ["xx", "NL", "nl-BE"])
def test_an_unknown_language_is_refused_on_the_page_and_the_api(hr_case, people, as_person, client, language):
    from incidentdesk.accounts.tokens import create_token

    before = table_counts()
    page = as_person("manager").post(f"/incidents/{hr_case.reference}/drafts/",
                                     {"kind": "gdpr_33", "rule_id": "GDPR-33-1-SA", "language": language})
    assert page.status_code == 422
    assert "Nothing was saved. Unknown language: choose one of en, nl, fr, de" in page.content.decode()
    assert table_counts() == before
    _, token = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=people["manager"])
    before = table_counts()
    api = client.post(f"/api/incidents/{hr_case.reference}/drafts", {"kind": "gdpr_33", "language": language},
                      content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 422
    assert "unknown language: choose one of en, nl, fr, de" in api.content.decode()
    assert table_counts() == before


def test_a_made_up_obligation_is_refused_and_nothing_is_stored(hr_case, manager, as_person):
    before = table_counts()
    with pytest.raises(services.DraftRefused, match="has no obligation 'NOPE'"):
        services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="NOPE", by=manager)
    page = as_person("manager").post(f"/incidents/{hr_case.reference}/drafts/", {"kind": "gdpr_33", "rule_id": "NOPE"})
    assert page.status_code == 422
    assert "has no obligation" in page.content.decode()
    assert table_counts() == before
    assert not NotificationDraft.objects.exists()


@pytest.mark.parametrize(("language", "you", "people"), [
    ("en", "You may have been treated unfairly", "People may have"),
    ("nl", "U bent mogelijk oneerlijk behandeld", "Personen zijn mogelijk"),
    ("fr", "Vous avez peut-être été traité", "Des personnes ont pu"),
    ("de", "Sie wurden möglicherweise unfair behandelt", "Personen wurden möglicherweise"),
])
def test_the_art_34_letter_speaks_to_the_reader(hr_case, manager, language, you, people):
    body = draft(hr_case, "gdpr_34", "GDPR-34-1-SUBJECTS", language=language).body
    means = body.split(words(language)["gdpr_34"]["means"], 1)[1].split("\n## ", 1)[0]
    assert you in means
    assert people not in body
    for sentence in words(language)["consequence"].values():
        assert sentence not in body  # the sentences about people are for the authority's letter


def test_french_dates_write_the_first_of_the_month_as_1er(hr_case, manager, frozen_now):
    frozen_now.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    french = draft(hr_case, "gdpr_33", "GDPR-33-1-SA", language="fr").body
    assert "Date : 1er décembre 2026" in french
    assert " 1 décembre" not in french
    assert "20 novembre 2026" in french  # other days as they are
    assert "1 December 2026" in draft(hr_case, "gdpr_33", "GDPR-33-1-SA", language="en").body
