"""Password change on /account/: Django's form and validators, audited without the password, the session kept."""

import json

from conftest import PASSWORD
from incidentdesk.audit.models import AuditEvent

NEW = "a-new-and-longer-passphrase"


def test_a_person_changes_their_password_stays_signed_in_and_the_change_is_audited(client, people):
    client.force_login(people["viewer"])
    assert 'id="password"' in client.get("/account/").content.decode()
    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": NEW,
                                                   "new_password2": NEW}, follow=True)
    assert "Your password was changed" in response.content.decode()
    assert client.get("/account/").status_code == 200  # still signed in
    people["viewer"].refresh_from_db()
    assert people["viewer"].check_password(NEW)
    event = AuditEvent.objects.get(action="account.password_changed")
    assert event.actor_name == "p-viewer"
    assert PASSWORD not in event.data
    assert NEW not in event.data
    assert json.loads(event.data)["summary"] == "p-viewer changed their password"


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(client, people):
    client.force_login(people["viewer"])
    wrong = client.post("/account/password/", {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW})
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    weak = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "password",
                                              "new_password2": "password"})
    assert "too common" in weak.content.decode()
    people["viewer"].refresh_from_db()
    assert people["viewer"].check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="account.password_changed").exists()
