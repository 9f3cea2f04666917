"""Signed alerts carry their time: a post older (or newer) than 5 minutes, a replay, or the old body-only
signature is refused with a 401 and a problem that says how to sign, and nothing is stored."""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from conftest import table_counts
from incidentdesk.accounts.tokens import create_token
from incidentdesk.intake import services
from incidentdesk.intake.models import AlertSource, SeenSignature, TriageItem

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ALERT = {"title": "Toxic output rate above 2%", "labels": {"model": "chat"}}


@pytest.fixture
def source(db):
    return AlertSource.objects.create(name="Grafana", slug="grafana", hmac_secret="s3cret")


@pytest.fixture
def token(people):
    return create_token(user=people["manager"], name="grafana", scopes=["intake"], by=None)[1]


def sign(body: bytes, at: datetime, secret: str = "s3cret") -> dict[str, str]:
    """What a sender does (the README's snippet): HMAC-SHA256 of "<unix seconds>.<body>"."""
    timestamp = str(int(at.timestamp()))
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-IncidentDesk-Timestamp": timestamp, "X-IncidentDesk-Signature": f"sha256={digest}"}


def send(client, token, headers, body=None, slug="grafana"):
    body = body if body is not None else json.dumps(ALERT).encode()
    return client.post(f"/api/intake/alerts?source={slug}", data=body, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", **headers})


def stored():
    return table_counts() | {"triage": TriageItem.objects.count()}


@pytest.mark.parametrize("skew", [timedelta(0), timedelta(minutes=5), -timedelta(minutes=5),
                                  timedelta(minutes=4, seconds=59)])
def test_a_post_signed_within_five_minutes_is_accepted(client, source, token, skew):
    body = json.dumps(ALERT).encode()
    with time_machine.travel(NOW, tick=False):
        response = send(client, token, sign(body, NOW - skew), body)
    assert response.status_code == 202, response.content
    assert TriageItem.objects.count() == 1


@pytest.mark.parametrize("skew", [timedelta(minutes=5, seconds=1), -timedelta(minutes=5, seconds=1),
                                  timedelta(days=400)])
def test_a_post_signed_more_than_five_minutes_away_is_refused(client, source, token, skew):
    body = json.dumps(ALERT).encode()
    before = stored()
    with time_machine.travel(NOW, tick=False):
        response = send(client, token, sign(body, NOW - skew), body)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Bad timestamp"
    assert "seconds from the server's clock" in response.json()["detail"]
    assert stored() == before


def test_a_replay_of_a_signed_post_is_refused_and_stores_nothing(client, source, token):
    body = json.dumps(ALERT).encode()
    headers = sign(body, NOW)
    with time_machine.travel(NOW, tick=False):
        assert send(client, token, headers, body).status_code == 202
    before = stored() | {"count": TriageItem.objects.get().count}
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):  # still inside the window
        replay = send(client, token, headers, body)
    assert replay.status_code == 401
    assert replay.json()["title"] == "Replayed request"
    assert stored() | {"count": TriageItem.objects.get().count} == before
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):  # outside it: the time refuses it
        assert send(client, token, headers, body).json()["title"] == "Bad timestamp"
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):  # a fresh signature of the same alert
        assert send(client, token, sign(body, NOW + timedelta(minutes=11)), body).status_code == 202
    assert TriageItem.objects.get().count == 2


def test_the_old_body_only_signature_is_refused_with_the_new_scheme_explained(client, source, token):
    body = json.dumps(ALERT).encode()
    old = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    before = stored()
    response = send(client, token, {"X-IncidentDesk-Signature": old}, body)
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert "X-IncidentDesk-Timestamp" in detail
    assert "HMAC-SHA256" in detail
    with time_machine.travel(NOW, tick=False):  # with a timestamp, a body-only signature does not match either
        response = send(client, token, {"X-IncidentDesk-Signature": old,
                                        "X-IncidentDesk-Timestamp": str(int(NOW.timestamp()))}, body)
    assert response.json()["title"] == "Bad signature"
    assert stored() == before


@pytest.mark.parametrize("timestamp", ["", "soon", "-5", "1.7e9", "\u0661\u0662\u0663", "9" * 40])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(client, source, token, timestamp):
    body = json.dumps(ALERT).encode()
    headers = sign(body, NOW) | {"X-IncidentDesk-Timestamp": timestamp}
    with time_machine.travel(NOW, tick=False):
        response = send(client, token, headers, body)
    assert response.status_code == 401
    assert response.json()["title"] == "Bad timestamp"
    assert TriageItem.objects.count() == 0


@pytest.mark.parametrize("timestamp", ["999999999999", "000000000000", "1", "-99999999999999999999",
                                       "-999999999999", "nan", "NaN", "inf", "-inf", "1e309", "-1e309",
                                       "9" * 13, "9" * 5000, "1" + "0" * 400])
def test_a_timestamp_far_outside_any_date_is_a_bad_timestamp_not_a_server_error(client, source, token, timestamp):
    """Year 33658, years before 1, and numbers no float holds were a 500 (``datetime.fromtimestamp``)."""
    body = json.dumps(ALERT).encode()
    headers = sign(body, NOW) | {"X-IncidentDesk-Timestamp": timestamp}
    before = stored()
    with time_machine.travel(NOW, tick=False):
        response = send(client, token, headers, body)
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Bad timestamp"
    assert stored() == before


def test_a_far_timestamp_is_checked_as_a_number_not_a_date(source):
    """The service itself, with a timestamp signed correctly: refused for its time, before the signature."""
    body = json.dumps(ALERT).encode()
    headers = sign(body, datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    far = "999999999999"
    with pytest.raises(services.StaleTimestamp, match="seconds from the server's clock"):
        services.check_signature(source, body, signature=headers["X-IncidentDesk-Signature"], timestamp=far,
                                 now=NOW)


def test_a_source_without_a_secret_needs_no_signature(client, db, token):
    """Alertmanager cannot sign: it posts to a source without a secret, with the intake token (README)."""
    AlertSource.objects.create(name="Alertmanager", slug="alertmanager")
    assert send(client, token, {}, slug="alertmanager").status_code == 202
    assert send(client, token, {}, slug="alertmanager").json()["deduplicated"] == 1
    assert SeenSignature.objects.count() == 0


def test_a_post_that_stored_nothing_can_be_sent_again_with_the_same_signature(client, source, token):
    """The signature is remembered in the alerts' transaction: a refused post does not burn it."""
    body = b'{"alerts": [1, 2]}'  # signed correctly, but not an alert
    headers = sign(body, NOW)
    with time_machine.travel(NOW, tick=False):
        assert send(client, token, headers, body).status_code == 422
        assert SeenSignature.objects.count() == 0
        assert send(client, token, headers, body).status_code == 422


def test_expired_signatures_are_pruned_by_the_scheduler_not_by_the_posts(client, source, token):
    """A post writes one mark and deletes nothing (a short write transaction); the schedule's pass forgets
    the marks whose window has passed, and a replay inside the window is still refused after it."""
    from incidentdesk.reminders.runner import run_scheduled_passes

    body = json.dumps(ALERT).encode()
    with time_machine.travel(NOW, tick=False):
        send(client, token, sign(body, NOW), body)
    assert SeenSignature.objects.count() == 1
    later = NOW + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert send(client, token, sign(body, later), body).status_code == 202
    assert SeenSignature.objects.count() == 2  # the post did not prune
    run_scheduled_passes(later)
    assert SeenSignature.objects.count() == 1  # the first one's window had passed; the second is kept
    with time_machine.travel(later, tick=False):
        assert send(client, token, sign(body, later), body).status_code == 401


def test_expired_rate_counters_are_pruned_by_the_scheduler(db):
    from incidentdesk.intake import ratelimit
    from incidentdesk.intake.models import RateCounter

    assert ratelimit.hit("report:203.0.113.7", seconds=3600, now=NOW) == 1
    assert ratelimit.hit("report:203.0.113.7", seconds=3600, now=NOW + timedelta(hours=1)) == 1  # a new window
    assert RateCounter.objects.count() == 2
    assert services.prune(NOW + timedelta(hours=1, minutes=1)) == 1
    assert list(RateCounter.objects.values_list("hits", flat=True)) == [1]
    assert ratelimit.hit("report:203.0.113.7", seconds=3600, now=NOW + timedelta(hours=1, minutes=2)) == 2


def test_the_signature_helper_refuses_what_the_endpoint_refuses(source):
    body = b"{}"
    good = sign(body, NOW)
    check = lambda **kw: services.signature_ok(source, body, kw.get("s", good["X-IncidentDesk-Signature"]),  # noqa: E731
                                               kw.get("t", good["X-IncidentDesk-Timestamp"]), now=NOW)
    assert check() is True
    assert check(t="") is False
    assert check(s="sha256=" + "0" * 64) is False
    assert check(t=str(int(NOW.timestamp()) - 301)) is False


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_signed_post_are_accepted_exactly_once(transactional_register, people):
    """Eight senders replay the same signed post at the same moment: one 202, seven 401, on both databases."""
    from django.db import connection
    from django.test import Client

    AlertSource.objects.create(name="Grafana", slug="grafana", hmac_secret="s3cret")
    token = create_token(user=people["manager"], name="grafana", scopes=["intake"], by=None)[1]
    body = json.dumps(ALERT).encode()
    senders = 8
    barrier = threading.Barrier(senders)
    statuses, errors = [], []

    def replay():
        try:
            with time_machine.travel(NOW, tick=False):
                headers = sign(body, NOW)
                barrier.wait(timeout=10)
                statuses.append(send(Client(), token, headers, body).status_code)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=replay) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(statuses) == [202] + [401] * (senders - 1)
    assert TriageItem.objects.get().count == 1


def test_a_signed_alert_costs_seven_queries_and_a_repeat_six(client, source, token, django_assert_num_queries):
    """Token with its owner and role, the source, BEGIN, the replay mark, the fold (and for a new fingerprint
    the insert), COMMIT: no pruning in the write transaction (the scheduler prunes), no second owner query.
    PostgreSQL adds one: the fingerprint's advisory lock (SQLite's IMMEDIATE transactions need none)."""
    from django.db import connection

    lock = 1 if connection.vendor == "postgresql" else 0
    with time_machine.travel(NOW, tick=False):
        warm = json.dumps(ALERT | {"fingerprint": "warm"}).encode()  # the token's first use records it (once a minute)
        assert send(client, token, sign(warm, NOW), warm).status_code == 202
        for expected, details in ((7 + lock, "first"), (6 + lock, "again")):
            body = json.dumps(ALERT | {"details": details, "fingerprint": "measured"}).encode()
            with django_assert_num_queries(expected):
                assert send(client, token, sign(body, NOW), body).status_code == 202
