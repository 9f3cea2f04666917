"""Deleting, in the Django admin, a person who ever acted was an IntegrityError 500 (found by an attacker):
the audit log's actor is SET_NULL, and the audit table is append-only, so the UPDATE was refused by the
database. People who acted are now kept (deactivate them instead), with a clear refusal; the audit log
keeps their name. Someone who never acted can still be deleted."""

import pytest
from django.contrib.auth import get_user_model

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent


@pytest.fixture
def admin_client(client, db):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-test-password")
    client.force_login(root)
    return client


@pytest.fixture
def actor(record):
    from incidentdesk.accounts.services import add_person

    person = add_person(username="leaver", password="a-long-test-password", role="incident_manager", by=None)
    record(by=person)
    assert AuditEvent.objects.filter(actor=person).exists()
    return person


def test_deleting_someone_who_acted_is_refused_with_a_clear_message(admin_client, actor):
    before = table_counts()
    url = f"/admin/auth/user/{actor.pk}/delete/"
    page = admin_client.get(url)
    assert page.status_code == 403
    assert b"deactivate" in page.content.lower()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert b"audit log" in response.content
    assert get_user_model().objects.filter(pk=actor.pk, is_active=True).exists()
    assert table_counts() == before
    assert set(AuditEvent.objects.filter(actor=actor).values_list("actor_name", flat=True)) == {"leaver"}


def test_the_change_page_offers_no_delete_for_someone_who_acted(admin_client, actor):
    page = admin_client.get(f"/admin/auth/user/{actor.pk}/change/")
    assert page.status_code == 200
    assert f"/admin/auth/user/{actor.pk}/delete/".encode() not in page.content


def test_the_bulk_delete_action_refuses_someone_who_acted(admin_client, actor):
    bystander = get_user_model().objects.create_user("bystander", "b@example.org", "a-long-test-password")
    before = table_counts()
    response = admin_client.post("/admin/auth/user/", {"action": "delete_selected", "post": "yes",
                                                         "_selected_action": [actor.pk, bystander.pk]})
    assert response.status_code == 200
    assert b"leaver" in response.content
    assert b"audit log" in response.content
    assert get_user_model().objects.filter(pk__in=[actor.pk, bystander.pk]).count() == 2
    assert table_counts() == before


def test_someone_who_never_acted_can_still_be_deleted(admin_client, db):
    newcomer = get_user_model().objects.create_user("newcomer", "n@example.org", "a-long-test-password")
    response = admin_client.post(f"/admin/auth/user/{newcomer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=newcomer.pk).exists()


def test_deactivating_someone_who_acted_works_and_keeps_the_log(admin_client, actor):
    from incidentdesk.audit.services import verify

    actor.is_active = False
    actor.save()
    assert AuditEvent.objects.filter(actor=actor, actor_name="leaver").exists()
    assert verify(workers=1).ok
