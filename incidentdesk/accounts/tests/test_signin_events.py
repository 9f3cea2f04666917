"""Failed sign-ins, lock-outs, sign-ins and sign-outs are audit events (issue 10), and made-up usernames
cannot grow the append-only audit chain without bound."""

from datetime import UTC, datetime

import pytest
import time_machine

from conftest import PASSWORD
from incidentdesk.accounts import signins
from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_a_failed_sign_in_names_the_username_tried_and_the_address(client, people):
    client.post("/login/", {"username": "p-manager", "password": "wrong-password-1"}, REMOTE_ADDR="203.0.113.7")
    [event] = _events("signin.failed")
    assert event.actor_name == "(not signed in)"
    assert event.actor_id is None
    assert '"username":"p-manager"' in event.data
    assert "203.0.113.7" in event.data
    assert '"known_username":true' in event.data
    assert "wrong-password-1" not in "".join(AuditEvent.objects.values_list("data", flat=True))
    assert verify().ok


def test_an_unknown_username_is_recorded_as_unknown(client, people):
    client.post("/login/", {"username": "nobody-here", "password": "x"}, REMOTE_ADDR="198.51.100.2")
    [event] = _events("signin.failed")
    assert '"known_username":false' in event.data
    assert "unknown username" in event.data


def test_five_failures_are_five_events_and_one_lock_out_and_later_refusals_add_nothing(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "p-viewer", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    assert len(_events("signin.failed")) == settings.AXES_FAILURE_LIMIT
    [lock] = _events("signin.locked_out")
    assert '"username":"p-viewer"' in lock.data
    assert "203.0.113.9" in lock.data
    before = AuditEvent.objects.count()
    for _ in range(10):  # refused by the lock-out before any password is checked
        response = client.post("/login/", {"username": "p-viewer", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 429
    assert AuditEvent.objects.count() == before


def test_made_up_usernames_cannot_flood_the_chain(client, people, monkeypatch):
    monkeypatch.setattr(signins, "FAILURE_EVENTS_PER_HOUR", 5)
    with time_machine.travel(datetime(2026, 11, 22, 10, 5, tzinfo=UTC), tick=False):
        for n in range(40):
            client.post("/login/", {"username": f"spray-{n}", "password": "x"}, REMOTE_ADDR=f"192.0.2.{n}")
    assert len(_events("signin.failed")) == 5
    [throttled] = _events("signin.throttled")
    assert "usernames that belong to nobody are still counted" in throttled.data
    with time_machine.travel(datetime(2026, 11, 22, 11, 1, tzinfo=UTC), tick=False):  # a new hour, a new budget
        client.post("/login/", {"username": "p-manager", "password": "wrong"}, REMOTE_ADDR="192.0.2.200")
    assert len(_events("signin.failed")) == 6
    assert verify().ok


def test_junk_failures_cannot_hide_an_attack_on_a_real_account(client, people, settings):
    """A hundred made-up usernames spend the hour's budget; the administrator's failures and lock-out that
    follow are still written, one by one."""
    with time_machine.travel(datetime(2026, 11, 22, 10, 5, tzinfo=UTC), tick=False):
        for n in range(signins.FAILURE_EVENTS_PER_HOUR):
            client.post("/login/", {"username": f"junk-{n}", "password": "x"}, REMOTE_ADDR="192.0.2.66")
        assert len(_events("signin.failed")) == signins.FAILURE_EVENTS_PER_HOUR
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            client.post("/login/", {"username": "p-administrator", "password": "wrong"}, REMOTE_ADDR="203.0.113.50")
        client.post("/login/", {"username": "junk-more", "password": "x"}, REMOTE_ADDR="192.0.2.67")
    on_admin = [e for e in _events("signin.failed") if '"username":"p-administrator"' in e.data]
    assert len(on_admin) == settings.AXES_FAILURE_LIMIT
    assert all("203.0.113.50" in e.data for e in on_admin)
    [lock] = _events("signin.locked_out")
    assert '"username":"p-administrator"' in lock.data
    assert not [e for e in _events("signin.failed") if "junk-more" in e.data]  # the junk is still bounded
    assert len(_events("signin.throttled")) == 1
    assert verify().ok


def test_lock_outs_of_made_up_usernames_stay_within_the_budget(client, people, settings, monkeypatch):
    monkeypatch.setattr(signins, "FAILURE_EVENTS_PER_HOUR", 3)
    with time_machine.travel(datetime(2026, 11, 22, 10, 5, tzinfo=UTC), tick=False):
        for name in ("junk-a", "junk-b"):
            for _ in range(settings.AXES_FAILURE_LIMIT):
                client.post("/login/", {"username": name, "password": "x"}, REMOTE_ADDR="192.0.2.70")
    assert len(_events("signin.failed")) == 3
    assert _events("signin.locked_out") == []
    assert len(_events("signin.throttled")) == 1


def test_signing_in_and_out_are_events_of_that_person(client, people):
    client.post("/login/", {"username": "p-auditor", "password": PASSWORD}, REMOTE_ADDR="203.0.113.20")
    [signed_in] = _events("person.signed_in")
    assert signed_in.actor_id == people["auditor"].pk
    assert "203.0.113.20" in signed_in.data
    client.post("/logout/", REMOTE_ADDR="203.0.113.20")
    [signed_out] = _events("person.signed_out")
    assert signed_out.actor_name == "p-auditor"
    assert PASSWORD not in "".join(AuditEvent.objects.values_list("data", flat=True))


@pytest.mark.parametrize("address", ["", None])
def test_a_request_without_an_address_is_recorded_as_unknown(rf, address):
    from incidentdesk.clientaddress import named_address

    request = rf.get("/")
    if address is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = address
    assert named_address(request) == "unknown"


def test_our_receivers_run_after_axes_so_its_count_is_on_the_request():
    from django.contrib.auth.signals import user_login_failed

    from incidentdesk.accounts import signals

    modules = [getattr(entry[1](), "__module__", "") for entry in user_login_failed.receivers]
    ours = modules.index(signals.__name__)
    assert any(m.startswith("axes") for m in modules[:ours]), modules


def test_a_login_made_by_code_not_a_visit_writes_no_event(client, people):
    client.force_login(people["viewer"])
    client.logout()
    assert not AuditEvent.objects.filter(action__in=["person.signed_in", "person.signed_out"]).exists()
