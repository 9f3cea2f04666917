"""Alert sources in the admin (issue 10): the HMAC secret is never shown again once set, and creating,
changing (the secret included) or deleting a source is an audit event that says the secret changed but
never holds it."""

import json

import pytest
from django.contrib.auth import get_user_model

from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify
from incidentdesk.intake.models import AlertSource

FIRST, SECOND = "first-s3cret-Hx81-ppq", "second-s3cret-Qz42-ttk"


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "a-long-test-password")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def _chain_text():
    return "".join(f"{e.actor_name} {e.action} {e.object_id} {e.data}" for e in AuditEvent.objects.all())


def _form(**values):
    return {"name": "Grafana", "slug": "grafana", "auto_rules": "[]", "new_secret": ""} | values


@pytest.fixture
def source(admin_client):
    response = admin_client.post("/admin/intake/alertsource/add/", _form(new_secret=FIRST))
    assert response.status_code == 302, response.content.decode()[:2000]
    return AlertSource.objects.get(slug="grafana")


def test_creating_a_source_with_a_secret_is_an_event_without_the_secret(source, root):
    assert source.hmac_secret == FIRST
    [event] = AuditEvent.objects.filter(action="alertsource.created")
    data = json.loads(event.data)
    assert event.actor_id == root.pk
    assert data["after"]["secret"] == "set"
    assert data["after"]["signed"] is True
    assert "hmac_secret" not in event.data
    assert FIRST not in _chain_text()


def test_the_change_page_and_the_list_never_show_the_secret(admin_client, source):
    for url in (f"/admin/intake/alertsource/{source.pk}/change/", "/admin/intake/alertsource/",
                f"/admin/intake/alertsource/{source.pk}/history/"):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert FIRST not in page.content.decode()
    assert "A secret is set (not shown)" in admin_client.get(
        f"/admin/intake/alertsource/{source.pk}/change/").content.decode()


def test_saving_without_a_new_secret_keeps_it_and_a_name_change_is_recorded(admin_client, source):
    admin_client.post(f"/admin/intake/alertsource/{source.pk}/change/", _form(name="Grafana prod"))
    source.refresh_from_db()
    assert source.hmac_secret == FIRST
    [event] = AuditEvent.objects.filter(action="alertsource.updated")
    data = json.loads(event.data)
    assert data["before"] == {"name": "Grafana"}
    assert data["after"] == {"name": "Grafana prod"}


def test_replacing_and_removing_the_secret_are_events_without_either_value(admin_client, source, root):
    admin_client.post(f"/admin/intake/alertsource/{source.pk}/change/", _form(new_secret=SECOND))
    source.refresh_from_db()
    assert source.hmac_secret == SECOND
    admin_client.post(f"/admin/intake/alertsource/{source.pk}/change/", _form(remove_secret="on"))
    source.refresh_from_db()
    assert source.hmac_secret == ""
    replaced, removed = (json.loads(e.data) for e in AuditEvent.objects.filter(action="alertsource.updated"))
    assert replaced["after"] == {"secret": "replaced"}
    assert removed["after"] == {"secret": "removed", "signed": False}
    assert set(AuditEvent.objects.filter(action="alertsource.updated").values_list("actor_id", flat=True)) == {root.pk}
    text = _chain_text()
    assert FIRST not in text
    assert SECOND not in text
    assert verify().ok


def test_a_new_secret_and_remove_together_are_refused_and_change_nothing(admin_client, source):
    before = AuditEvent.objects.count()
    page = admin_client.post(f"/admin/intake/alertsource/{source.pk}/change/",
                             _form(new_secret=SECOND, remove_secret="on"))
    assert page.status_code == 200
    assert "Either type a new secret or remove it" in page.content.decode()
    source.refresh_from_db()
    assert source.hmac_secret == FIRST
    assert AuditEvent.objects.count() == before


def test_deleting_a_source_is_an_event_without_the_secret(admin_client, source, root):
    admin_client.post(f"/admin/intake/alertsource/{source.pk}/delete/", {"post": "yes"})
    assert not AlertSource.objects.exists()
    [event] = AuditEvent.objects.filter(action="alertsource.deleted")
    assert event.actor_id == root.pk
    assert json.loads(event.data)["before"]["name"] == "Grafana"
    assert FIRST not in _chain_text()
