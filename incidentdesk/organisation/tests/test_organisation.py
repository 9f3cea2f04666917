"""The organisation profile: one row, created then changed, refused input stores nothing, audited."""

import json

import pytest

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.organisation.models import Organisation
from incidentdesk.organisation.services import ProfileRefused, save_profile

PROFILE = {"name": "Test BV", "country": "be", "time_zone": "Europe/Brussels", "ai_act_role": "deployer"}


def state():
    return table_counts() | {"profile": list(Organisation.objects.values())}


def test_the_profile_is_created_once_then_changed_with_an_audit_event_each(db, manager):
    created = save_profile(by=manager, **PROFILE)
    assert (created.pk, created.country) == (1, "BE")
    save_profile(by=manager, time_zone="Europe/Paris", nis2_entity=True)
    assert Organisation.objects.count() == 1
    current = Organisation.current()
    assert current.time_zone == "Europe/Paris"
    assert current.nis2_entity
    assert current.name == "Test BV"
    first, second = AuditEvent.objects.filter(object_type="organisation").order_by("seq")
    assert (first.action, second.action) == ("organisation.created", "organisation.updated")
    assert first.actor_name == second.actor_name == "manager"
    change = json.loads(second.data)
    assert change["before"]["time_zone"] == "Europe/Brussels"
    assert change["after"]["time_zone"] == "Europe/Paris"


def test_before_set_up_the_profile_is_an_unsaved_default(db):
    assert Organisation.current().pk is None
    assert Organisation.current().name == "(organisation not set up)"


@pytest.mark.parametrize(("fields", "message"), [
    ({"time_zone": "Mars/Olympus"}, "time_zone: 'Mars/Olympus' is not an IANA time zone"),
    ({"ai_act_role": "bystander"}, "ai_act_role:"),
    ({"gdpr_role": "owner"}, "gdpr_role:"),
    ({"name": ""}, "name:"),
    ({"favourite_colour": "blue"}, "unknown profile field 'favourite_colour'"),
])
def test_invalid_changes_are_refused_and_store_nothing(organisation, manager, fields, message):
    before = state()
    with pytest.raises(ProfileRefused, match=message):
        save_profile(by=manager, **fields)
    assert state() == before


def test_an_invalid_first_profile_stores_nothing(db, manager):
    before = state()
    with pytest.raises(ProfileRefused, match="country:"):
        save_profile(by=manager, **PROFILE | {"country": ""})
    assert state() == before
    assert not Organisation.objects.exists()


def test_a_retention_below_the_floor_without_a_reason_is_refused_and_stores_nothing(organisation, manager):
    before = state()
    with pytest.raises(ProfileRefused, match=r"retention_years: .*The register is kept at least 5 years \(seed "
                                             r"procedure §8\); a shorter period \(0\) needs a reason"):
        save_profile(by=manager, retention_years=0)
    with pytest.raises(ProfileRefused, match="retention_years:"):
        save_profile(by=manager, retention_years=4, retention_reason="   ")
    with pytest.raises(ProfileRefused, match="retention_years: Ensure this value is greater than or equal to 1"):
        save_profile(by=manager, retention_years=0, retention_reason="We want to delete at once")
    assert state() == before
    assert Organisation.current().retention_years == 5


def test_a_retention_below_the_floor_is_allowed_with_a_recorded_reason_and_audited(organisation, manager):
    from incidentdesk.organisation.models import RETENTION_FLOOR_YEARS

    assert RETENTION_FLOOR_YEARS == 5
    save_profile(by=manager, retention_years=3, retention_reason="Sector rule X sets three years")
    current = Organisation.current()
    assert (current.retention_years, current.retention_reason) == (3, "Sector rule X sets three years")
    change = json.loads(AuditEvent.objects.filter(action="organisation.updated").get().data)
    assert change["after"]["retention_reason"] == "Sector rule X sets three years"
    assert change["after"]["retention_years"] == 3


def test_the_profile_form_refuses_a_short_retention_without_a_reason_and_shows_the_reason(as_person):
    client = as_person("administrator")
    form = {"name": "Test BV", "country": "BE", "time_zone": "Europe/Brussels", "ai_act_role": "deployer",
            "gdpr_role": "controller", "retention_years": "0"}
    response = client.post("/organisation/", form)
    assert response.status_code == 400
    assert "at least 5 years" in response.content.decode()
    assert Organisation.current().retention_years == 5
    response = client.post("/organisation/", form | {"retention_years": "2",
                                                     "retention_reason": "Test installation, no real data"})
    assert response.status_code == 302
    assert Organisation.current().retention_years == 2
    page = as_person("viewer").get("/organisation/").content.decode()
    assert "Test installation, no real data" in page
