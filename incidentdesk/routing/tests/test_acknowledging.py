"""Acknowledging: in the workspace, through the API and the CLI on the team's behalf, and by the contact through
the signed single-use link (expired, reused, forged: a clear refusal and nothing changed). Restricted incidents
stay private in the e-mail, the panel and the API."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from incidentdesk.audit.models import AuditEvent
from incidentdesk.routing import services
from incidentdesk.routing.models import Notice

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _link(to: str) -> str:
    body = next(m.body for m in mail.outbox if m.to == [to])
    return re.search(r"https?://\S+/routing/acknowledge/\S+/", body).group(0).split("://", 1)[1].partition("/")[2]


def _state(notice):
    notice.refresh_from_db()
    return (notice.acknowledged_at, notice.acknowledged_by_name, notice.acknowledged_via,
            AuditEvent.objects.filter(action="routing.acknowledged").count())


def test_the_workspace_panel_shows_each_team_its_reason_and_the_gap(directory, personal, as_person):
    page = as_person("responder").get(f"/incidents/{personal.reference}/").content.decode()
    assert "Who inside was told" in page
    assert "Dana DPO" in page
    assert "Ivo Security" in page
    assert "The directory has no contact for this team" in page  # management: a gap, not skipped
    assert "Why: Personal data is involved" in page
    assert "playbook" in page
    manager_page = as_person("manager").get(f"/incidents/{personal.reference}/").content.decode()
    assert "/contacts/add/?kind=management" in manager_page


def test_recording_the_acknowledgement_in_the_workspace(directory, personal, as_person):
    privacy = Notice.objects.get(incident=personal, team="privacy")
    url = f"/incidents/{personal.reference}/routing/{privacy.pk}/acknowledge/"
    assert as_person("viewer").post(url, {"note": "x"}).status_code == 403
    assert _state(privacy)[0] is None
    as_person("responder").post(url, {"note": "Dana confirmed by phone"})
    privacy.refresh_from_db()
    assert privacy.acknowledged_via == "workspace"
    assert privacy.ack_note == "Dana confirmed by phone"
    assert privacy.acknowledged_by_name == "p-responder, on the team's behalf"


def test_the_contact_acknowledges_once_through_the_link_without_signing_in(directory, personal, client):
    privacy = Notice.objects.get(incident=personal, team="privacy")
    url = "/" + _link("dana@example.org")
    shown = client.get(url)
    assert shown.status_code == 200
    assert "I acknowledge for Privacy" in shown.content.decode()
    assert _state(privacy)[0] is None, "opening the link (a mail scanner does) acknowledges nothing"
    done = client.post(url)
    assert "your team's acknowledgement is recorded" in done.content.decode()
    at, name, via, events = _state(privacy)
    assert at is not None
    assert name == "Dana DPO"
    assert via == "link"
    assert events == 1
    again = client.post(url)
    assert "cannot be used again" in again.content.decode()
    assert _state(privacy) == (at, name, via, events)


def test_an_expired_link_is_refused_and_changes_nothing(directory, personal, client, settings):
    privacy = Notice.objects.get(incident=personal, team="privacy")
    url = "/" + _link("dana@example.org")
    before = _state(privacy)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=settings.ROUTING_LINK_MAX_AGE + 60)):
        response = client.post(url)
    assert response.status_code == 200
    assert "has expired" in response.content.decode()
    assert _state(privacy) == before


@pytest.mark.parametrize("tamper", [lambda t: t[:-3] + "abc", lambda t: "eyJzdGVwIjoxfQ:1abc:forged",
                                    lambda t: "nothing-at-all"])
def test_a_forged_link_is_not_found_and_changes_nothing(directory, personal, client, tamper):
    privacy = Notice.objects.get(incident=personal, team="privacy")
    token = _link("dana@example.org").rstrip("/").rpartition("/")[2]
    before = _state(privacy)
    response = client.post(f"/routing/acknowledge/{tamper(token)}/")
    assert response.status_code == 404
    assert "not a valid acknowledgement link" in response.content.decode()
    assert _state(privacy) == before


def test_a_link_signed_with_another_key_is_forged(directory, personal, client, settings):
    step = Notice.objects.get(incident=personal, team="privacy").steps.get()
    settings.SECRET_KEY = "another-server-" + "x" * 40
    token = services.link_token(step)
    settings.SECRET_KEY = settings.SECRET_KEY[:-1] + "y"
    assert client.post(f"/routing/acknowledge/{token}/").status_code == 404


def test_a_restricted_incident_e_mail_says_only_what_the_team_needs(directory, record, people, client):
    from incidentdesk.incidents import access

    incident = record(title="CEO's salary data pasted in chatbot", description="Secret board matter",
                      facts={"personal_data": {"involved": False}, "published_externally": False})
    access.restrict(incident=incident, restricted=True, people=[], by=people["manager"])
    mail.outbox.clear()
    from incidentdesk.incidents.services import update_incident

    update_incident(incident=incident, by=people["manager"], changes={"personal_data.involved": True}, now=NOW)
    sent = [m for m in mail.outbox if m.to == ["dana@example.org"]]
    assert len(sent) == 1
    text = sent[0].subject + sent[0].body
    for secret in ("CEO", "salary", "Secret board", incident.reference):
        assert secret not in text
    assert "restricted incident" in text
    assert "Why your team is told" in text
    # the workspace, the panel's rows and the API stay closed to someone not named on it
    client.force_login(people["responder"])
    assert client.get(f"/incidents/{incident.reference}/").status_code == 404
    assert not Notice.objects.visible_to(people["responder"]).filter(incident=incident).exists()
    from incidentdesk.accounts.tokens import create_token

    _, secret = create_token(user=people["responder"], name="t", scopes=["read", "write"], by=None)
    api = client.get(f"/api/incidents/{incident.reference}/routing", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 404
    # the link page shows no title either
    page = client.get("/" + _link("dana@example.org")).content.decode()
    assert "restricted incident" in page
    assert "CEO" not in page


def test_the_api_lists_and_acknowledges(directory, personal, people, client):
    from incidentdesk.accounts.tokens import create_token

    _, secret = create_token(user=people["responder"], name="t", scopes=["read", "write"], by=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        rows = client.get(f"/api/incidents/{personal.reference}/routing", **auth).json()
    privacy = next(r for r in rows if r["team"] == "privacy")
    assert privacy["steps"][0]["recipient"] == "Dana DPO"
    assert privacy["state"] == "waiting"
    assert next(r for r in rows if r["team"] == "management")["state"] == "gap"
    url = f"/api/incidents/{personal.reference}/routing/{privacy['id']}/acknowledge"
    done = client.post(url, {"note": "phone"}, content_type="application/json", **auth)
    assert done.status_code == 200
    assert done.json()["acknowledged_via"] == "api"
    again = client.post(url, {"note": "phone"}, content_type="application/json", **auth)
    assert again.status_code == 409
    assert "already acknowledged" in again.json()["detail"]


def test_the_cli_shows_and_acknowledges(directory, personal, cli_user):
    out = StringIO()
    call_command("incidentdesk", "routing", personal.reference, stdout=out)
    assert "Dana DPO" in out.getvalue()
    assert "No contact for this team" in out.getvalue()
    out = StringIO()
    call_command("incidentdesk", "routing", personal.reference, "acknowledge", "privacy", "--note", "call",
                 stdout=out)
    assert "Acknowledged by" in out.getvalue()
    assert Notice.objects.get(incident=personal, team="privacy").acknowledged_via == "cli"
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="was not told"):
        call_command("incidentdesk", "routing", personal.reference, "acknowledge", "hr", stdout=StringIO())
