"""Shared fixtures: an organisation profile, personas, and a quick way to record incidents."""

import os
from datetime import UTC, datetime

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
  # sync Playwright runs an event loop (stack notes)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that create many logins use a fast hasher instead.

    Tasks run at enqueue time (no worker in tests), and retries do not wait.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DELIVERY_BACKOFF_SECONDS = 0
    from django.core.cache import cache

    cache.clear()  # token and source lookups are cached per process


@pytest.fixture(autouse=True)
def audit_checkpoints_per_test(settings, tmp_path):
    """Each test keeps its audit checkpoints in its own folder: a checkpoint belongs to one chain, and each
    test starts a new chain (a checkpoint left by another test would rightly read as a cut-off log)."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture
def organisation(db):
    from incidentdesk.organisation.services import save_profile

    return save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels",
                        supervisory_authority="Belgian DPA", ai_act_role="deployer")


@pytest.fixture
def manager(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("manager", "manager@example.org", "a-long-test-password")


@pytest.fixture
def record(organisation, manager):
    """Record an incident through the service, as the web app and CLI do."""
    from incidentdesk.incidents.services import record_incident

    def _record(**overrides):
        values = {"title": "Chatbot gave a wrong answer", "description": "It invented a refund policy.",
                  "detected_at": datetime(2026, 11, 20, 8, 0, tzinfo=UTC), "by": manager, "now": NOW,
                  "facts": {"published_externally": True, "personal_data": {"involved": False}}}
        return record_incident(**(values | overrides))

    return _record


def table_counts():
    """Rows in every register table: proof that refused input stored nothing."""
    from django.apps import apps

    labels = ("audit", "organisation", "inventory", "incidents", "obligations", "breaches", "notifications")
    return {m._meta.label: m.objects.count() for label in labels for m in apps.get_app_config(label).get_models()}


@pytest.fixture
def transactional_register(transactional_db):
    """A transactional database whose audit triggers are lifted only for the flush afterwards."""
    from django.db import connection

    from incidentdesk.audit import triggers

    triggers.install(connection)
    yield
    if connection.vendor == "sqlite":
        triggers.remove(connection)


PERSONAS = {"administrator": "administrator", "manager": "incident_manager", "responder": "responder",
            "viewer": "viewer", "auditor": "auditor", "reporter": "reporter"}
PASSWORD = "a-long-test-password"


@pytest.fixture
def people(db, organisation):
    """One login per role (healthchecks' alice/bob/charlie idea): people["viewer"] and so on."""
    from incidentdesk.accounts.services import add_person

    return {name: add_person(username=f"p-{name}", password=PASSWORD, role=role, by=None)
            for name, role in PERSONAS.items()}


@pytest.fixture
def as_person(client, people):
    """A test client signed in as one of the personas."""
    def _as(name):
        client.force_login(people[name])
        return client
    return _as


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: ``playwright install`` cannot download browsers here (stack notes)."""
    return {**browser_type_launch_args, "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture
def cli_user(manager, monkeypatch):
    """The CLI never acts anonymously: name the ``manager`` fixture, as an incident manager, for ``call_command``."""
    from incidentdesk.accounts.services import set_role

    set_role(user=manager, role="incident_manager", by=None)
    monkeypatch.setenv("INCIDENTDESK_USER", manager.get_username())
    return manager


@pytest.fixture
def evidence_dir(settings, tmp_path):
    """Evidence files in this test's own folder (the storage is re-created from the setting).

    Modules that store evidence use it with ``pytestmark = pytest.mark.usefixtures("evidence_dir")``.
    """
    from django.utils.functional import empty

    from incidentdesk.evidence.models import evidence_storage

    settings.EVIDENCE_DIR = tmp_path / "evidence"
    evidence_storage._wrapped = empty
    yield settings.EVIDENCE_DIR
    evidence_storage._wrapped = empty
