"""Monitoring intake and the reporting channel: scopes, signatures, deduplication, promotion, limits."""

import hashlib
import hmac
import json
import threading
import time

import pytest

from conftest import table_counts
from incidentdesk.accounts.tokens import create_token
from incidentdesk.intake import services
from incidentdesk.intake.models import AlertSource, TriageItem

ALERTMANAGER = {"version": "4", "status": "firing", "receiver": "incidentdesk", "alerts": [
    {"status": "firing", "labels": {"alertname": "ModelDrift", "model": "credit-scorer", "drift": "0.42"},
     "annotations": {"summary": "Drift on credit-scorer", "description": "PSI 0.42 over 24 h"},
     "startsAt": "2026-11-22T10:00:00Z", "fingerprint": "a1b2c3"},
    {"status": "resolved", "labels": {"alertname": "Old"}, "annotations": {}, "startsAt": "2026-11-22T09:00:00Z"},
]}


@pytest.fixture
def source(db):
    return AlertSource.objects.create(name="Grafana", slug="grafana", hmac_secret="s3cret")


@pytest.fixture
def intake_token(people):
    return create_token(user=people["manager"], name="grafana", scopes=["intake"], by=None)[1]


_last_signed = {"at": 0}
_signing = threading.Lock()


def _fresh_second() -> int:
    """A signing time never used before by this process (within the 5-minute window): each post is signed a
    second earlier than the last one. A counter subtracted from the clock was not enough: when the clock
    ticked between two posts, both got the same second, and the second post was refused as a replay."""
    with _signing:
        now = int(time.time())
        at = min(now, _last_signed["at"] - 1)
        if at < now - 240:
            at = now  # a new test, long after: the replay marks of earlier tests are gone with their data
        _last_signed["at"] = at
        return at


def signed(body: bytes, secret: str = "s3cret", at: int | None = None) -> dict[str, str]:
    """The two signature headers, as a sender computes them (README). Each post is signed a second earlier
    than the last: the same body twice in one second would be the same signed post, refused as a replay."""
    timestamp = str(_fresh_second() if at is None else at)
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-IncidentDesk-Timestamp": timestamp, "X-IncidentDesk-Signature": f"sha256={digest}"}


def post(client, token, payload, *, secret="s3cret", slug="grafana", raw=None, headers=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = signed(body, secret) if headers is None else headers
    return client.post(f"/api/intake/alerts?source={slug}", data=body, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", **headers})


def test_alertmanager_alerts_land_in_the_queue_and_repeats_are_folded(client, source, intake_token):
    first = post(client, intake_token, ALERTMANAGER)
    assert first.status_code == 202
    assert first.json() == {"received": 1, "created": 1, "deduplicated": 0, "promoted": 0, "rejected": []}
    again = post(client, intake_token, ALERTMANAGER)
    assert again.json()["deduplicated"] == 1
    item = TriageItem.objects.get()
    assert (item.count, item.title, item.fingerprint) == (2, "Drift on credit-scorer", "a1b2c3")


def test_a_bad_signature_is_refused_and_nothing_is_stored(client, source, intake_token):
    before = table_counts() | {"triage": TriageItem.objects.count()}
    response = post(client, intake_token, ALERTMANAGER, secret="wrong")
    assert response.status_code == 401
    assert response.json()["title"] == "Bad signature"
    assert table_counts() | {"triage": TriageItem.objects.count()} == before


def test_a_read_token_cannot_send_alerts(client, source, people):
    reader = create_token(user=people["manager"], name="r", scopes=["read"], by=None)[1]
    assert post(client, reader, ALERTMANAGER).status_code == 403


@pytest.mark.parametrize(("raw", "status"), [(b"not json", 422), (b'{"alerts": [1, 2]}', 422),
                                             (b'{"hello": "world"}', 422), (b"x" * 300_000, 413)])
def test_malformed_or_oversize_payloads_get_4xx_and_store_nothing(client, source, intake_token, raw, status):
    response = post(client, intake_token, None, raw=raw)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert TriageItem.objects.count() == 0


def test_a_generic_alert_is_accepted_without_signature_when_the_source_has_no_secret(client, db, intake_token):
    AlertSource.objects.create(name="Script", slug="script")
    response = client.post("/api/intake/alerts?source=script", data={"title": "Toxic output rate up",
                           "details": "3% over 1 h", "labels": {"model": "chat"}}, content_type="application/json",
                           headers={"Authorization": f"Bearer {intake_token}"})
    assert response.status_code == 202
    assert TriageItem.objects.get().labels == {"model": "chat"}


def test_a_rule_promotes_a_drift_alert_above_its_threshold(source, manager):
    source.auto_rules = [{"labels": {"alertname": "ModelDrift"}, "min": {"drift": 0.3}}]
    source.save()
    counts = services.receive(source=source, body=json.dumps(ALERTMANAGER).encode(), by=manager)
    assert counts["promoted"] == 1
    item = TriageItem.objects.get()
    assert item.incident.detection_source == "monitoring"
    assert "PSI 0.42" in item.incident.description


def test_promoting_and_dismissing_from_the_queue(as_person, source, manager):
    services.receive(source=source, body=json.dumps(ALERTMANAGER).encode(), by=manager)
    item = TriageItem.objects.get()
    client = as_person("manager")
    response = client.post(f"/triage/{item.pk}/promote/")
    item.refresh_from_db()
    assert item.incident is not None
    assert response["Location"] == f"/incidents/{item.incident.reference}/"
    with pytest.raises(services.TriageRefused, match="already promoted"):
        services.dismiss(item=item, reason="noise", by=manager)


def test_a_dismissal_needs_a_reason(source, manager):
    services.receive(source=source, body=json.dumps(ALERTMANAGER).encode(), by=manager)
    item = TriageItem.objects.get()
    with pytest.raises(services.TriageRefused, match="needs a reason"):
        services.dismiss(item=item, reason=" ", by=manager)


def test_the_reporting_channel_gives_a_reference_and_a_private_link(client, db):
    response = client.post("/report/", {"title": "The chatbot refused my refund", "details": "It said 90 days.",
                                        "contact": "", "website": ""})
    page = response.content.decode()
    item = TriageItem.objects.get()
    assert item.reference in page
    link = page.split('id="follow-link">')[1].split("<")[0]
    follow = client.get(link.replace("http://testserver", ""))
    assert "Waiting for review" in follow.content.decode()
    assert client.get("/report/follow/not-a-token/").status_code == 404


def test_the_honeypot_stores_nothing_and_says_so_with_another_way_to_reach_the_organisation(client, db):
    from incidentdesk.organisation.models import Organisation

    Organisation.objects.create(name="Acme", country="BE", contact_point="dpo@acme.example, +32 2 123 45 67")
    response = client.post("/report/", {"title": "Buy now", "details": "spam", "website": "http://spam.example"})
    assert TriageItem.objects.count() == 0
    page = response.content.decode()
    assert "could not be accepted" in page
    assert "dpo@acme.example" in page
    assert "Thank you" not in page
    assert "received" not in page


def test_the_honeypot_is_hidden_without_css_and_from_assistive_technology(client, db):
    page = client.get("/report/").content.decode()
    wrapper = page.split('class="honeypot"')[1].split(">")[0]
    assert " hidden" in wrapper
    assert 'aria-hidden="true"' in wrapper
    field = page.split('name="website"')[0].rsplit("<input", 1)[1] + page.split('name="website"')[1].split(">")[0]
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert "Leave this empty" not in page


def test_the_reporting_channel_is_rate_limited(client, db, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REPORTS_PER_HOUR = 2
    statuses = [client.post("/report/", {"title": f"Concern {n}", "details": "x"}).status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert TriageItem.objects.count() == 2


def test_a_nul_character_in_an_alert_is_refused(client, source, intake_token):
    response = post(client, intake_token, {"title": "bad\u0000alert"})
    assert response.status_code == 422
    assert TriageItem.objects.count() == 0


def test_one_bad_alert_does_not_drop_its_batch(client, source, intake_token):
    """An Alertmanager batch used to be refused whole (and retried forever) for one malformed alert."""
    good = ALERTMANAGER["alerts"][0]
    batch = {**ALERTMANAGER, "alerts": [good, {"status": "firing", "labels": ["not", "an", "object"]}, 7,
                                         {**good, "fingerprint": "other", "labels": {"alertname": "Toxicity"}}]}
    response = post(client, intake_token, batch)
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["received"], body["created"]) == (2, 2)
    assert [r["alert"] for r in body["rejected"]] == [1, 2]
    assert "labels: expected an object of strings" in body["rejected"][0]["problem"]
    assert TriageItem.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_of_one_new_fingerprint_make_one_item(transactional_register, people):
    """Exact dedup under concurrency, on SQLite and PostgreSQL (8 senders used to make 529 items of 200 alerts)."""
    import threading

    from django.db import connection
    from django.test import Client

    AlertSource.objects.create(name="Grafana", slug="grafana", hmac_secret="s3cret")
    token = create_token(user=people["manager"], name="grafana", scopes=["intake"], by=None)[1]
    senders, per_sender = 8, 5
    barrier = threading.Barrier(senders)
    statuses, errors = [], []

    def send(n: int):
        try:
            barrier.wait(timeout=10)
            for i in range(per_sender):
                alert = {"title": "Drift on credit-scorer", "fingerprint": f"fp-{i}", "sender": n}
                statuses.append(post(Client(), token, alert).status_code)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert statuses == [202] * senders * per_sender
    items = TriageItem.objects.order_by("fingerprint")
    assert [i.fingerprint for i in items] == [f"fp-{i}" for i in range(per_sender)]
    assert all(i.count == senders for i in items), [i.count for i in items]


@pytest.mark.parametrize("signature", ["sha256=é", "sha256=\u2603" * 3, "\udcff"])
def test_a_non_ascii_signature_is_a_bad_signature_and_nothing_is_stored(client, source, intake_token, signature):
    """hmac.compare_digest raised a TypeError on a non-ASCII str: a 500 (found by an attacker)."""
    before = table_counts() | {"triage": TriageItem.objects.count()}
    response = client.post("/api/intake/alerts?source=grafana", data=json.dumps(ALERTMANAGER),
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {intake_token}", "X-IncidentDesk-Signature": signature,
                                    "X-IncidentDesk-Timestamp": str(int(time.time()))})
    assert response.status_code == 401
    assert response.json()["title"] == "Bad signature"
    assert table_counts() | {"triage": TriageItem.objects.count()} == before
    assert services.signature_ok(source, b"{}", signature, str(int(time.time()))) is False


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000,
                                  '{"alerts": [{"labels": {"a": ' + ("[" * 990 + "]" * 990) + '}}]}',
                                  '{"title": "x", "values": ' + ("[" * 600 + "]" * 600) + '}'])
def test_a_deeply_nested_alert_is_refused_and_nothing_is_stored(client, source, intake_token, body):
    """A RecursionError in json.loads (or later, walking a body just shallow enough to load) was a 500."""
    before = table_counts() | {"triage": TriageItem.objects.count()}
    response = post(client, intake_token, None, raw=body.encode())
    assert response.status_code == 422
    assert "nested too deeply" in response.json()["detail"]
    assert table_counts() | {"triage": TriageItem.objects.count()} == before


def test_a_report_is_never_added_to_an_exercise(record, people):
    """Decision 191: a real report filed under a rehearsal would be lost with it; nothing is changed."""
    from incidentdesk.incidents.models import Incident
    from incidentdesk.intake import services as intake
    from incidentdesk.intake.models import TriageStatus

    exercise = record()
    Incident.objects.filter(pk=exercise.pk).update(is_exercise=True)
    exercise.refresh_from_db()
    item, _ = intake.report(title="The chatbot shows other customers' orders", details="Seen on the website")
    with pytest.raises(intake.TriageRefused, match="is an exercise: a real report cannot be added to it"):
        intake.add_to_incident(item=item, incident=exercise, by=people["manager"])
    item.refresh_from_db()
    assert item.status == TriageStatus.OPEN
    assert item.incident is None
