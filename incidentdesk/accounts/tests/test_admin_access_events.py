"""Changes of what a person may do, made in the Django admin, are audit events (issue 10): role, active, staff
and superuser flags, groups and admin permissions; a password set there; a person added or deleted; a
group's permissions. Each names who did it, in the admin's transaction, and never carries a password."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from incidentdesk.accounts.models import Person
from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify

PASSWORD = "a-long-test-password"


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def ana(db):
    from incidentdesk.accounts.services import add_person

    return add_person(username="ana", password=PASSWORD, role="viewer", by=None)


def _change(user, **overrides):
    person = Person.objects.get(user=user)
    data = {"username": user.username, "first_name": "", "last_name": "", "email": user.email,
            "is_active": "on", "date_joined_0": "2026-11-22", "date_joined_1": "12:00:00",
            "person-TOTAL_FORMS": "1", "person-INITIAL_FORMS": "1", "person-MIN_NUM_FORMS": "0",
            "person-MAX_NUM_FORMS": "1", "person-0-id": str(person.pk), "person-0-user": str(user.pk),
            "person-0-role": person.role}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _only(action):
    [event] = AuditEvent.objects.filter(action=action)
    return event, json.loads(event.data)


def _chain_text():
    return "".join(AuditEvent.objects.values_list("data", flat=True))


def test_a_role_changed_in_the_admin_is_an_event_naming_who_changed_it(admin_client, ana, root):
    response = admin_client.post(f"/admin/auth/user/{ana.pk}/change/", _change(ana, **{"person-0-role": "administrator"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.get(user=ana).role == "administrator"
    event, data = _only("person.access")
    assert event.actor_id == root.pk
    assert event.actor_name == "root"
    assert data["before"]["role"] == "viewer"
    assert data["after"] == {"username": "ana", "role": "administrator"}
    assert "role" in data["summary"]
    assert verify().ok


def test_flags_groups_and_permissions_changed_in_the_admin_are_one_event(admin_client, ana):
    group = Group.objects.create(name="Admin editors")
    permission = Permission.objects.get(codename="change_alertsource")
    response = admin_client.post(f"/admin/auth/user/{ana.pk}/change/", _change(
        ana, is_active=None, is_staff="on", is_superuser="on", groups=[str(group.pk)],
        user_permissions=[str(permission.pk)]))
    assert response.status_code == 302
    _, data = _only("person.access")
    assert data["before"] == {"username": "ana", "active": True, "staff": False, "superuser": False, "groups": [],
                              "permissions": []}
    assert data["after"] == {"username": "ana", "active": False, "staff": True, "superuser": True,
                             "groups": ["Admin editors"], "permissions": ["intake.change_alertsource"]}


def test_saving_without_a_change_of_access_writes_no_access_event(admin_client, ana):
    admin_client.post(f"/admin/auth/user/{ana.pk}/change/", _change(ana, first_name="Ana"))
    assert not AuditEvent.objects.filter(action="person.access").exists()


def test_a_person_added_in_the_admin_is_an_event_without_the_password(admin_client, root):
    response = admin_client.post("/admin/auth/user/add/", {
        "username": "newbie", "password1": "Zebra-Kettle-9184", "password2": "Zebra-Kettle-9184",
        "usable_password": "true", "person-TOTAL_FORMS": "1", "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "0", "person-MAX_NUM_FORMS": "1", "person-0-role": "responder"})
    assert response.status_code == 302, response.content.decode()[:3000]
    event, data = _only("person.created")
    assert event.actor_id == root.pk
    assert data["after"]["username"] == "newbie"
    assert data["after"]["role"] == "responder"
    assert "Zebra-Kettle-9184" not in _chain_text()
    assert get_user_model().objects.get(username="newbie").password not in _chain_text()


def test_a_password_set_in_the_admin_is_an_event_without_the_password(admin_client, ana, root):
    old_hash = ana.password
    response = admin_client.post(f"/admin/auth/user/{ana.pk}/password/", {
        "password1": "Quartz-Lantern-5521", "password2": "Quartz-Lantern-5521", "usable_password": "true"})
    assert response.status_code == 302
    event, data = _only("person.password_set")
    assert event.actor_id == root.pk
    assert data["after"] == {"username": "ana", "can_sign_in_with_password": True}
    ana.refresh_from_db()
    for secret in ("Quartz-Lantern-5521", ana.password, old_hash):
        assert secret not in _chain_text()


def test_deleting_someone_who_never_acted_is_an_event(admin_client, db):
    newcomer = get_user_model().objects.create_user("newcomer", "n@example.org", PASSWORD)
    admin_client.post(f"/admin/auth/user/{newcomer.pk}/delete/", {"post": "yes"})
    _, data = _only("person.deleted")
    assert data["before"]["username"] == "newcomer"


def test_a_groups_permissions_changed_in_the_admin_are_events(admin_client):
    permission = Permission.objects.get(codename="change_alertsource")
    admin_client.post("/admin/auth/group/add/", {"name": "Intake editors", "permissions": [str(permission.pk)]})
    _, created = _only("group.created")
    assert created["after"] == {"name": "Intake editors", "permissions": ["intake.change_alertsource"]}
    group = Group.objects.get(name="Intake editors")
    admin_client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "Intake editors", "permissions": []})
    _, updated = _only("group.updated")
    assert updated["after"] == {"permissions": []}
    admin_client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    _only("group.deleted")
    assert verify().ok
