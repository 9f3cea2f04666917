"""The contact directory warns about contacts not verified for 12 months."""

from datetime import date

import pytest

from incidentdesk.contacts import services


def test_a_contact_older_than_twelve_months_is_flagged(db, manager, as_person):
    services.save_contact(by=manager, kind="supervisory_authority", name="Belgian DPA", email="contact@apd-gba.be",
                          last_verified_on=date(2025, 1, 10))
    services.save_contact(by=manager, kind="legal", name="Counsel", last_verified_on=date.today())
    assert [c.name for c in services.stale_contacts()] == ["Belgian DPA"]
    page = as_person("viewer").get("/contacts/").content.decode()
    assert "1 contact not verified for more than 12 months" in page


def test_a_verification_date_in_the_future_is_refused(db, manager):
    with pytest.raises(services.ContactRefused, match="lies in the future"):
        services.save_contact(by=manager, kind="legal", name="Counsel", last_verified_on=date(2999, 1, 1))


def test_escalation_follows_the_order(db, manager):
    for order, name in ((2, "Deputy"), (1, "Head of IT security")):
        services.save_contact(by=manager, kind="it_security", name=name, escalation_order=order,
                              last_verified_on=date.today())
    assert [c.name for c in services.escalation_chain("it_security")] == ["Head of IT security", "Deputy"]
