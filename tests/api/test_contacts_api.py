"""The contacts directory through the API: the same roles as the web (read: view register; change:
manage inventory), the same audited service and its refusals."""

import pytest

from incidentdesk.contacts.models import Contact

from .conftest import NOW, row_counts

DPA = {"kind": "supervisory_authority", "name": "Belgian DPA", "email": "contact@apd-gba.be",
       "how_to_reach": "Online form", "last_verified_on": "2025-01-15"}


@pytest.fixture(autouse=True)
def pinned(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_a_contact_added_changed_listed_and_verified(api):
    written = api("post", "/contacts", json=DPA)
    assert written.status_code == 201, written.content
    contact = written.json()
    assert contact["stale"] is True  # verified more than 12 months before 2026-11-22
    changed = api("put", f"/contacts/{contact['id']}", json=DPA | {"phone": "+32 2 274 48 00"})
    assert changed.status_code == 200
    assert changed.json()["phone"] == "+32 2 274 48 00"
    verified = api("post", f"/contacts/{contact['id']}/verified")
    assert verified.json()["last_verified_on"] == "2026-11-22"
    assert verified.json()["stale"] is False
    listed = api("get", "/contacts", "viewer", ("read",))
    assert [c["name"] for c in listed.json()] == ["Belgian DPA"]


def test_contact_refusals_store_nothing(api):
    contact = api("post", "/contacts", json=DPA).json()
    for body in (DPA | {"last_verified_on": "2027-01-01"}, DPA | {"email": "not-an-address"},
                 DPA | {"kind": "astrologer"}, DPA | {"name": ""}):
        before = row_counts()
        response = api("post", "/contacts", json=body)
        assert response.status_code == 422, (body, response.content)
        assert api("put", f"/contacts/{contact['id']}", json=body).status_code == 422
        assert row_counts() == before
    assert Contact.objects.get().email == DPA["email"]
    assert api("put", "/contacts/999999", json=DPA).status_code == 404
    assert api("post", "/contacts/999999/verified").status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "responder", "auditor"])
def test_changing_contacts_needs_the_inventory_role(api, persona):
    contact = api("post", "/contacts", json=DPA).json()
    before = row_counts()
    for method, path, body in (("post", "/contacts", DPA), ("put", f"/contacts/{contact['id']}", DPA),
                               ("post", f"/contacts/{contact['id']}/verified", None)):
        response = api(method, path, persona, **({"json": body} if body else {}))
        assert response.status_code == 403, (persona, path)
    assert row_counts() == before


def test_a_reporter_cannot_read_the_directory(api):
    assert api("get", "/contacts", "reporter", ("read",)).status_code == 403
