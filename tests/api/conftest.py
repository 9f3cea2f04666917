"""Fixtures for the API tests: tokens per persona, a call helper, evidence in a temporary folder,
an incident with one of everything the workspace holds, and a restricted incident nobody here may see."""

import io
from datetime import UTC, date, datetime

import pytest

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LOG = b"2026-11-20T09:00 user: what is the refund policy?\n2026-11-20T09:00 bot: 90 days, no questions\n"


@pytest.fixture(autouse=True)
def _evidence_in_a_folder_per_test(evidence_dir):
    """Every API test stores its evidence in its own folder (the root conftest's ``evidence_dir``)."""
    return evidence_dir


@pytest.fixture
def api(client, people):
    """``api(method, path, persona="manager", scopes=("read", "write"), json=…|data=…)`` through HTTP."""
    from incidentdesk.accounts.tokens import allowed_scopes, create_token

    # Each persona's token carries the asked scopes its role allows (a viewer cannot hold a write token).
    tokens = {(persona, scopes): create_token(user=user, name="test", by=None,
                                              scopes=[s for s in scopes if s in allowed_scopes(user)])[1]
              for persona, user in people.items() for scopes in (("read", "write"), ("read",))}

    def _call(method, path, persona="manager", scopes=("read", "write"), **kwargs):
        key = (persona, tuple(scopes))
        if "json" in kwargs:
            kwargs = {"data": kwargs.pop("json"), "content_type": "application/json"} | kwargs
        return getattr(client, method)(f"/api{path}", headers={"Authorization": f"Bearer {tokens[key]}"}, **kwargs)

    return _call


def upload(content=LOG, name="chat.log"):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.fixture
def workspace(record, manager):
    """A level 2 incident with a containment action, an evidence file, a draft RCA, a corrective action,
    a lesson and a notification draft: ids by name, and the incident."""
    from incidentdesk.accounts.services import set_role
    from incidentdesk.capa import services as capa
    from incidentdesk.containment import services as containment
    from incidentdesk.evidence import services as evidence
    from incidentdesk.investigation import services as investigation
    from incidentdesk.lessons import services as lessons
    from incidentdesk.notifications import services as notifications

    set_role(user=manager, role="incident_manager", by=None)
    incident = record()
    ids = {
        "ref": incident.reference,
        "containment": containment.contain(incident=incident, kind="stop_operation", taken_at=NOW,
                                           taken_by="Ops", by=manager, now=NOW).pk,
        "evidence": evidence.add_evidence(incident=incident, stream=upload(), name="chat.log", by=manager).pk,
        "rca": investigation.save_analysis(incident=incident, by=manager, what_happened="It invented a policy").pk,
        "action": capa.plan(incident=incident, description="Ground the bot in the real policy", assignee=manager,
                            due_on=date(2026, 12, 1), by=manager).pk,
        "lesson": lessons.propose(incident=incident, target="policy", text="Review chatbot answers", by=manager).pk,
        "draft": notifications.create_draft(incident=incident, kind="client_notice", by=manager).pk,
    }
    return incident, ids


@pytest.fixture
def hidden(record, people):
    """A restricted incident on which only the administrator is named."""
    from incidentdesk.incidents import access

    incident = record(title="Restricted: HR screening tool rejected applicants")
    access.restrict(incident=incident, restricted=True, people=[], by=people["administrator"])
    return incident


def row_counts():
    """Rows in every table the workspace writes to: proof that a refused call stored nothing."""
    from django.apps import apps

    labels = ("audit", "incidents", "obligations", "breaches", "notifications", "containment", "evidence",
              "investigation", "capa", "lessons", "contacts")
    return {m._meta.label: m.objects.count() for label in labels for m in apps.get_app_config(label).get_models()}
