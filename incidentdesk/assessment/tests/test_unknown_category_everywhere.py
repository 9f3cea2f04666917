"""An unknown data category is a clear refusal in the CLI, the API and the web, and changes nothing (issue 11, error 5).

Before, the facts passed validation and ``assess`` raised inside the ENISA score: a traceback in the CLI, a 500
from ``POST /api/assess`` and from the incident's facts form.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import NOW, table_counts
from incidentdesk.incidents.services import IncidentRefused, update_incident

BAD = {"detected_at": "2026-11-20T09:00:00+01:00",
       "personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["horoscope"]}}


def test_the_cli_refuses_naming_the_accepted_categories(db, tmp_path, time_machine):
    time_machine.move_to(NOW)
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(BAD))
    with pytest.raises(CommandError, match=r"unknown data category 'horoscope'; use one or more of: .*health"):
        call_command("incidentdesk", "assess", str(path), "--json", stdout=StringIO(), stderr=StringIO())


def test_the_api_answers_422_naming_the_accepted_categories(client, people):
    from incidentdesk.accounts.tokens import create_token

    token = create_token(user=people["manager"], name="test", scopes=["read"], by=None)[1]
    response = client.post("/api/assess", data=BAD, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "horoscope" in text
    assert "contact" in text
    assert "health" in text


def test_changing_an_incidents_facts_refuses_and_stores_nothing(record, manager):
    incident = record(facts={"published_externally": False, "personal_data": {"involved": True}})
    before = table_counts()
    with pytest.raises(IncidentRefused, match="unknown data category 'horoscope'; use one or more of"):
        update_incident(incident=incident, by=manager, now=NOW, changes={
            "personal_data.lost": ["confidentiality"], "personal_data.data_categories": ["horoscope"]})
    incident.refresh_from_db()
    assert "data_categories" not in incident.facts["personal_data"]
    assert table_counts() == before


def _post_categories(client, record, ticked: list[str]):
    """The facts form as a person fills it in, with ``ticked`` in the data categories choice list."""
    incident = record(facts={"published_externally": False, "personal_data": {"involved": True}})
    form = client.get(f"/incidents/{incident.reference}/edit/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, list)}
    data |= {"detected_at": "2026-11-20T09:00", "personal_data__lost": ["confidentiality"],
             "personal_data__data_categories": ticked}
    before = table_counts()
    return incident, client.post(f"/incidents/{incident.reference}/edit/", data), before


def test_the_facts_form_refuses_a_category_not_on_its_list_and_stores_nothing(as_person, record):
    _, response, before = _post_categories(as_person("responder"), record, ["contact", "horoscope"])
    assert response.status_code == 400
    assert "horoscope is not one of the available choices" in response.content.decode()
    assert table_counts() == before


def test_the_facts_form_offers_the_categories_by_their_labels(as_person, record):
    """Issue 12: the categories are a choice list in plain words, not names typed into a box."""
    from incidentdesk.incidents.models import Incident

    client = as_person("responder")
    incident, response, _ = _post_categories(client, record, ["contact", "health"])
    assert response.status_code == 302
    stored = Incident.objects.get(pk=incident.pk).facts["personal_data"]["data_categories"]
    assert stored == ["contact", "health"]
    page = client.get(f"/incidents/{incident.reference}/edit/").content.decode()
    assert 'type="checkbox" name="personal_data__data_categories" value="health"' in page
    assert "Health data" in page
    assert "Contact details (email, phone, address)" in page
