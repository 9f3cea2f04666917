"""Routing fixtures: a directory with two privacy contacts and one IT security contact, and an incident owner."""

from datetime import date

import pytest


@pytest.fixture
def directory(db):
    from incidentdesk.contacts.models import Contact

    def add(kind, name, order, email=None):
        return Contact.objects.create(kind=kind, name=name, escalation_order=order, last_verified_on=date(2026, 6, 1),
                                      email=f"{name.split()[0].lower()}@example.org" if email is None else email)

    return {"dpo": add("privacy", "Dana DPO", 1), "deputy": add("privacy", "Dirk Deputy", 2),
            "itsec": add("it_security", "Ivo Security", 1)}


@pytest.fixture
def personal(record, manager):
    """A level 3 incident involving personal data, owned by the manager (privacy, IT security, management)."""
    from incidentdesk.incidents.models import Incident

    incident = record(facts={"personal_data": {"involved": True}, "published_externally": False,
                             "employee_conduct": False})
    Incident.objects.filter(pk=incident.pk).update(owner=manager)
    incident.refresh_from_db()
    return incident
