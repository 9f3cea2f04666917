"""Signing in: the form works, repeated failures lock the account for a while (django-axes)."""

from conftest import PASSWORD


def test_signing_in_leads_to_the_dashboard(client, people):
    response = client.post("/login/", {"username": "p-manager", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_five_failures_lock_the_login_even_with_the_right_password(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "p-manager", "password": "wrong"})
    response = client.post("/login/", {"username": "p-manager", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_pages_need_sign_in(client, db):
    assert client.get("/incidents/").status_code == 302
    assert client.get("/").status_code == 302
