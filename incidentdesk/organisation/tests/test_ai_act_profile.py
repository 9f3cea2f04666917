"""The profile's AI Act settings: the internal target for "immediately", and counsel's answer on Art 73's dates."""

import json
from datetime import UTC, datetime

import pytest
import time_machine

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.organisation.models import Organisation
from incidentdesk.organisation.services import ProfileRefused, save_profile


def test_counsels_answer_is_recorded_with_who_and_when_and_audited(organisation, manager):
    assert organisation.art73_reading == "undecided"
    with time_machine.travel(datetime(2026, 12, 2, 9, 30, tzinfo=UTC), tick=False):
        save_profile(by=manager, art73_reading="follows_2026_1744")
    current = Organisation.current()
    assert current.art73_reading_recorded_by == "manager"
    assert current.art73_reading_recorded_at == datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    event = AuditEvent.objects.filter(object_type="organisation").order_by("-seq").first()
    change = json.loads(event.data)
    assert change["before"]["art73_reading"] == "undecided"
    assert change["after"]["art73_reading"] == "follows_2026_1744"
    assert change["after"]["art73_reading_recorded_by"] == "manager"
    assert current.as_facts()["art73_reading"] == "follows_2026_1744"


def test_saving_the_profile_without_changing_the_answer_keeps_who_recorded_it(organisation, manager):
    save_profile(by=manager, art73_reading="from_2026_08_02")
    recorded = Organisation.current().art73_reading_recorded_at
    save_profile(by=None, art73_reading="from_2026_08_02", name="Renamed BV")
    current = Organisation.current()
    assert (current.art73_reading_recorded_by, current.art73_reading_recorded_at) == ("manager", recorded)


@pytest.mark.parametrize("change", [{"art73_reading": "maybe"}, {"immediate_target_hours": 0},
                                    {"provider_ack_hours": 500}, {"art73_reading_recorded_by": "someone"}])
def test_bad_ai_act_settings_are_refused_and_nothing_is_stored(organisation, manager, change):
    before = table_counts() | {"profile": list(Organisation.objects.values())}
    with pytest.raises(ProfileRefused):
        save_profile(by=manager, **change)
    assert table_counts() | {"profile": list(Organisation.objects.values())} == before


def test_the_internal_target_reaches_the_facts(organisation, manager):
    save_profile(by=manager, immediate_target_hours=12, provider_ack_hours=48)
    facts = Organisation.current().as_facts()
    assert (facts["immediate_target_hours"], facts["provider_ack_hours"]) == (12, 48)


def test_the_profile_page_shows_the_open_question_and_the_form_records_the_answer(as_person):
    client = as_person("administrator")
    page = client.get("/organisation/").content.decode()
    assert "When does AI Act Art 73 apply to us?" in page
    assert "Not decided yet" in page
    form = {k: v for k, v in Organisation.current().as_facts().items() if v is not None}
    form |= {"name": "Test BV", "country": "BE", "art73_reading": "from_2026_08_02", "dora_weekend_relief": "on"}
    form = {k: ("on" if v is True else v) for k, v in form.items() if v is not False}
    response = client.post("/organisation/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.current().art73_reading_recorded_by == "p-administrator"
    assert "recorded by p-administrator" in client.get("/organisation/").content.decode()
