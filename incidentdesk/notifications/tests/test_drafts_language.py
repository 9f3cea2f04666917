"""The language of drafts: the organisation's default, a switch per draft (web, API), and the data files."""

import json
import tomllib

import pytest

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.notifications import services
from incidentdesk.notifications.drafts import LETTERS, words
from incidentdesk.notifications.models import NotificationDraft
from incidentdesk.organisation.models import DraftLanguage, Organisation

pytestmark = pytest.mark.usefixtures("frozen_now")


def _keys(table: dict, prefix: str = "") -> set[str]:
    out = set()
    for key, value in table.items():
        out |= _keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return out


def test_every_language_has_a_file_with_the_same_words_and_no_english_left_in_it():
    english = tomllib.loads((LETTERS / "en.toml").read_text(encoding="utf-8"))
    files = {path.stem for path in LETTERS.glob("*.toml")}
    assert files == set(DraftLanguage.values)
    for language in DraftLanguage.values:
        assert _keys(words(language)) == _keys(english), language
        if language != "en":
            same = [k for k in ("gdpr_33", "gdpr_34", "ai_act_73", "nis2_final")
                    if words(language)[k] == english[k]]
            assert same == [], language  # translated, not copied


def test_the_organisations_language_is_the_default_and_each_draft_can_switch(hr_case, manager):
    from incidentdesk.organisation.services import save_profile

    save_profile(by=manager, draft_language="fr")
    default = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    assert default.language == "fr"
    assert default.body.startswith("Notre référence")
    switched = services.create_draft(incident=hr_case, kind="gdpr_33", rule_id="GDPR-33-1-SA", language="nl",
                                     by=manager)
    assert (switched.language, switched.version) == ("nl", 2)
    assert "Aard van de inbreuk" in switched.body
    edited = services.edit_draft(draft=switched, subject=switched.subject, body=switched.body + "\nP.S.", by=manager)
    assert edited.language == "nl"  # a person's edit stays in the draft's language
    event = AuditEvent.objects.filter(action="draft.written").order_by("-pk").first()
    assert json.loads(event.data)["after"]["language"] == "nl"


def test_an_unknown_language_is_refused_and_nothing_is_stored(hr_case, manager):
    before = table_counts()
    with pytest.raises(services.DraftRefused, match="language: choose one of en, nl, fr, de"):
        services.create_draft(incident=hr_case, kind="gdpr_33", language="es", by=manager)
    assert table_counts() == before


def test_the_draft_page_writes_again_in_another_language(hr_case, manager, as_person):
    client = as_person("manager")
    draft = services.create_draft(incident=hr_case, kind="gdpr_34", rule_id="GDPR-34-1-SUBJECTS", by=manager)
    page = client.get(f"/incidents/{hr_case.reference}/drafts/{draft.pk}/").content.decode()
    assert 'id="draft-language">English<' in page
    assert 'name="language"' in page
    response = client.post(f"/incidents/{hr_case.reference}/drafts/",
                           {"kind": "gdpr_34", "rule_id": "GDPR-34-1-SUBJECTS", "language": "de"})
    rewritten = NotificationDraft.objects.get(incident=hr_case, kind="gdpr_34", version=2)
    assert response.status_code == 302
    assert rewritten.language == "de"
    page = client.get(response["Location"]).content.decode()
    assert "Sehr geehrte Damen und Herren," in page
    assert 'id="fill-markers"' in page  # the summary only a person can write is shown as still to write


def test_the_api_writes_a_draft_in_the_language_asked_and_refuses_an_unknown_one(hr_case, people, client):
    from incidentdesk.accounts.tokens import create_token

    _, token = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=people["manager"])
    headers = {"headers": {"Authorization": f"Bearer {token}"}}
    url = f"/api/incidents/{hr_case.reference}/drafts"
    response = client.post(url, {"kind": "gdpr_33", "rule_id": "GDPR-33-1-SA", "language": "fr"},
                           content_type="application/json", **headers)
    assert response.status_code == 201
    body = response.json()
    assert body["language"] == "fr"
    assert "Notification d’une violation de données à caractère personnel" in body["subject"]
    # The description and contact point were typed in English: the French letter asks for their translation.
    assert body["to_write"] == [words("fr")["meta"]["fill_translate"]]
    before = table_counts()
    refused = client.post(url, {"kind": "gdpr_33", "language": "es"}, content_type="application/json", **headers)
    assert refused.status_code == 422
    assert table_counts() == before


def test_the_profile_form_sets_the_draft_language(as_person):
    client = as_person("administrator")
    form = {"name": "Test BV", "country": "BE", "time_zone": "Europe/Brussels", "ai_act_role": "deployer",
            "gdpr_role": "controller", "retention_years": "5", "draft_language": "nl"}
    assert client.post("/organisation/", form).status_code == 302
    assert Organisation.current().draft_language == "nl"
    refused = client.post("/organisation/", form | {"draft_language": "xx"})
    assert refused.status_code == 400
    assert Organisation.current().draft_language == "nl"
    assert "Language of drafts" in client.get("/organisation/").content.decode()
