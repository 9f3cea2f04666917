"""What each draft says, for the HR case and the level-2 publication case of issue 12, in each language.

Every letter: no ENISA terms, levels, rule ids or field names; the closing list names exactly the elements
marked as to follow (never 'nothing' when something is). GDPR Art 33(3)(a) lists the categories of data and
of people and their approximate numbers; Art 34 greets neutrally and never carries the internal description.
"""

import pytest

from incidentdesk.notifications import services
from incidentdesk.notifications.drafts import KINDS, words

from .drafts_cases import CONTACT, HR_DESCRIPTION, HR_PARTIES, forbidden_in, listed_after

pytestmark = pytest.mark.usefixtures("frozen_now")

LANGUAGES = ["en", "nl", "fr", "de"]
RULE = {"gdpr_33": "GDPR-33-1-SA", "gdpr_34": "GDPR-34-1-SUBJECTS", "client_notice": "PROC-4-L3-CLIENT"}

#: How each language writes the date we became aware (09:00 in Brussels), its greeting and the data categories.
AWARE = {"en": "20 November 2026, 09:00 (UTC+01:00)", "nl": "20 november 2026 om 09:00 (UTC+01:00)",
         "fr": "20 novembre 2026 à 09:00 (UTC+01:00)", "de": "20. November 2026, 09:00 Uhr (UTC+01:00)"}
GREETING = {"en": "Dear Sir or Madam,", "nl": "Geachte heer, mevrouw,", "fr": "Madame, Monsieur,",
            "de": "Sehr geehrte Damen und Herren,"}
CATEGORIES = {"en": ("biographical details", "professional details"),
              "nl": ("biografische gegevens", "beroepsgegevens"),
              "fr": ("données biographiques", "données professionnelles"),
              "de": ("biografische Angaben", "berufliche Angaben")}
STOPPED = {"en": "We stopped the operation concerned", "nl": "Wij hebben de betrokken activiteit stopgezet",
           "fr": "Nous avons arrêté l’activité concernée", "de": "Wir haben den betroffenen Vorgang gestoppt"}


def write(incident, kind, language, manager):
    return services.create_draft(incident=incident, kind=kind, rule_id=RULE.get(kind, ""), language=language,
                                 by=manager)


def assert_consistent(draft):
    """The closing list is exactly the elements marked as to follow, each marked where it stands."""
    meta = words(draft.language)["meta"]
    intro = words(draft.language)["gdpr_34"]["later"] if draft.kind == "gdpr_34" else meta["still_to_follow"]
    assert listed_after(draft.body, intro) == draft.unknown
    for title in draft.unknown:
        assert f"{title}\n\n*" in draft.body, title
    if draft.unknown:
        assert meta["nothing_to_follow"] not in draft.body
    else:
        assert meta["to_follow"] not in draft.body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_draft_of_the_hr_case_is_fit_to_send(hr_case, manager, kind, language):
    draft = write(hr_case, kind, language, manager)
    assert draft.language == language
    assert forbidden_in(draft.subject + "\n" + draft.body) == []
    assert_consistent(draft)
    assert words(language)["kinds"][kind] in draft.subject
    assert hr_case.reference in draft.body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_draft_of_the_publication_case_is_fit_to_send(publication_case, manager, kind, language):
    draft = write(publication_case, kind, language, manager)
    assert forbidden_in(draft.subject + "\n" + draft.body) == []
    assert_consistent(draft)


@pytest.mark.parametrize("language", LANGUAGES)
def test_art_33_of_the_hr_case_has_every_element_and_lists_what_is_still_unknown(hr_case, manager, language):
    draft = write(hr_case, "gdpr_33", language, manager)
    t = words(language)["gdpr_33"]
    body = draft.body
    for key in ("nature", "what_happened", "type", "subject_categories", "subject_count", "data_categories",
                "record_count", "contact", "consequences", "measures"):
        assert t[key] in body, key
    # (a): the categories of data, the people concerned and their approximate number, as entered.
    section = body.split(t["nature"], 1)[1].split(t["contact"], 1)[0]
    for label in CATEGORIES[language]:
        assert label in section
    assert f"### {t['subject_categories']}\n\n{HR_PARTIES}\n" in section
    assert f"### {t['subject_count']}\n\n120\n" in section
    # (b), (c), (d) filled from the profile, the facts and the containment.
    assert CONTACT in body
    assert words(language)["consequence"]["discrimination"] in body
    assert STOPPED[language] in body
    assert AWARE[language] in body
    # What was not entered is to follow, and the closing list says so: the lost security property, the records.
    assert draft.unknown == [t["type"], t["record_count"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_art_33_of_the_publication_case_lists_every_unknown_element(publication_case, manager, language):
    draft = write(publication_case, "gdpr_33", language, manager)
    t = words(language)["gdpr_33"]
    assert t["data_categories"] in draft.unknown
    assert t["subject_count"] in draft.unknown
    assert t["record_count"] in draft.unknown
    assert t["consequences"] in draft.unknown
    assert words(language)["meta"]["nothing_to_follow"] not in draft.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_art_34_of_the_hr_case_is_plain_and_greets_no_one_by_a_field(hr_case, manager, language):
    draft = write(hr_case, "gdpr_34", language, manager)
    t = words(language)["gdpr_34"]
    body = draft.body
    assert GREETING[language] in body
    assert "Dear About" not in body
    assert HR_PARTIES not in body
    assert HR_DESCRIPTION not in body  # the internal description stays internal
    assert words(language)["meta"]["fill_summary"] in body
    for key in ("what_happened", "means", "done", "can_do", "contact"):  # Art 34(2)
        assert f"## {t[key]}" in body, key
    assert words(language)["advice"]["review"] in body  # an automated decision: ask for a person's review
    assert CONTACT in body
    assert "Gegevensbeschermingsautoriteit (GBA)" in body
    assert STOPPED[language] in body
    assert "Screening switched off" not in body  # containment notes are internal; the plain label is enough


@pytest.mark.parametrize("language", LANGUAGES)
def test_art_73_of_the_hr_case_follows_the_template_sections(hr_case, manager, language):
    draft = write(hr_case, "ai_act_73", language, manager)
    t = words(language)["ai_act_73"]
    sections = [t[k] for k in ("report_type", "reporter", "system", "incident", "analysis", "measures",
                               "other_reports", "contact")]
    positions = [draft.body.index(f"## {s}") for s in sections]
    assert positions == sorted(positions)
    assert [s.split(".")[0] for s in sections] == [str(n) for n in range(1, 9)]
    assert "ScreenAI" in draft.body
    assert words(language)["harm"]["algorithmic_discrimination"] in draft.body
    assert t["role_deployer"] in draft.body
    assert t["where"] in draft.unknown  # the Member State is not guessed


@pytest.mark.parametrize("language", LANGUAGES)
def test_provider_and_nis2_drafts_carry_their_articles_elements(hr_case, manager, language):
    notice = write(hr_case, "provider_notice", language, manager)
    assert "ScreenAI" in notice.body
    assert words(language)["provider_notice"]["request_value"] in notice.body
    early = write(hr_case, "nis2_early_warning", language, manager)
    t = words(language)["nis2_early_warning"]
    assert t["malicious"] in early.unknown
    assert t["cross_border"] in early.unknown
    notification = write(hr_case, "nis2_notification", language, manager)
    t = words(language)["nis2_notification"]
    assert t["assessment"] not in notification.unknown  # Art 23(4)(b): impact from the facts
    assert t["indicators"] in notification.unknown
    final = write(hr_case, "nis2_final", language, manager)
    t = words(language)["nis2_final"]
    for key in ("description", "cause", "measures", "cross_border"):  # Art 23(4)(d)(i)-(iv)
        assert f"## {t[key]}" in final.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_client_notice_has_a_summary_to_write_and_no_internal_text(hr_case, manager, language):
    draft = write(hr_case, "client_notice", language, manager)
    assert GREETING[language] in draft.body
    assert words(language)["meta"]["fill_summary"] in draft.body
    assert HR_DESCRIPTION not in draft.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_processors_notice_to_the_controller_does_not_call_us_the_controller(hr_case, manager, language):
    draft = write(hr_case, "controller", language, manager)
    t = words(language)["gdpr_33"]
    assert f"## {t['controller']}\n" not in draft.body
    for key in ("nature", "subject_count", "data_categories", "contact", "consequences", "measures"):
        assert t[key] in draft.body, key


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_translated_draft_exports_as_pdf_and_docx(hr_case, manager, as_person, language):
    import io
    import zipfile

    draft = write(hr_case, "gdpr_34", language, manager)
    client = as_person("viewer")
    assert client.get(f"/incidents/{hr_case.reference}/drafts/{draft.pk}/pdf").content.startswith(b"%PDF")
    docx = client.get(f"/incidents/{hr_case.reference}/drafts/{draft.pk}/docx")
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        assert words(language)["gdpr_34"]["can_do"] in archive.read("word/document.xml").decode()
