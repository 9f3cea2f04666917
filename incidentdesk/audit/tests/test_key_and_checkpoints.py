"""The audit key ring and the checkpoints, as operators, auditors and the scheduler use them."""

import json
import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from incidentdesk.accounts.tokens import create_token
from incidentdesk.audit import checkpoints, keys
from incidentdesk.audit.apps import audit_key_check
from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import head_checkpoint, record, verify

from . import attacker

ROOT = Path(__file__).resolve().parents[3]


def run(*args) -> str:
    out = StringIO()
    call_command("incidentdesk", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _events(count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        record(action="test.event", object_type="thing", object_id=n, by=None, after={"n": n})


# --- the key ring -------------------------------------------------------------------------------

def test_the_demo_key_is_made_on_first_use_readable_by_its_owner_only(db, audit_key):
    assert not audit_key.exists()
    event = record(action="test.event", object_type="thing", object_id=1, by=None)
    assert stat.S_IMODE(audit_key.stat().st_mode) == 0o600
    assert event.key_id == keys.keyring().current
    assert len(event.key_id) == 8


def test_production_without_a_key_is_refused_by_a_system_check_that_says_what_to_do(settings):
    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE, settings.AUDIT_KEY_AUTOCREATE = "", None, False
    [error] = audit_key_check(None)
    assert error.id == "audit.E001"
    assert "openssl rand -hex 32" in error.msg
    assert "INCIDENTDESK_AUDIT_KEY_FILE" in error.msg


def test_production_refuses_to_record_without_a_key_and_stores_nothing(db, settings):
    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE, settings.AUDIT_KEY_AUTOCREATE = "", None, False
    with pytest.raises(keys.KeyProblem):
        record(action="test.event", object_type="thing", object_id=1, by=None)
    assert AuditEvent.objects.count() == 0


def test_a_configured_key_file_that_is_missing_is_not_made_silently(settings, tmp_path):
    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE, settings.AUDIT_KEY_AUTOCREATE = "", tmp_path / "typo.key", False
    [error] = audit_key_check(None)
    assert "does not exist" in error.msg
    assert not (tmp_path / "typo.key").exists()


def test_a_key_file_others_can_read_is_a_warning(settings, tmp_path):
    path = tmp_path / "audit.key"
    path.write_text("ab" * 32 + "\n")
    path.chmod(0o644)
    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE = "", path
    [warning] = audit_key_check(None)
    assert (warning.id, warning.hint) == ("audit.W001", f"chmod 600 {path}")


@pytest.mark.parametrize("text", ["not-a-key", "abcd", "# only a comment"])
def test_a_ring_that_is_not_keys_is_refused_in_plain_words(settings, text):
    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE = text, None
    with pytest.raises(keys.KeyProblem, match="openssl rand -hex 32"):
        keys.keyring()


def test_the_key_can_come_from_the_environment_with_old_keys_before_it(db, settings):
    settings.AUDIT_KEY = f"{'11' * 32}, {'22' * 32}"
    settings.AUDIT_KEY_FILE = None
    event = record(action="test.event", object_type="thing", object_id=1, by=None)
    assert event.key_id == keys.key_id(bytes.fromhex("22" * 32))
    settings.AUDIT_KEY = "22" * 32  # the old key removed: its events can no longer be checked...
    assert verify().ok
    settings.AUDIT_KEY = "11" * 32  # ...and a ring without the signing key names the event
    assert verify().first_broken == 1


def test_the_seal_is_hmac_sha256_under_the_key():
    """The precomputed pads give exactly the standard HMAC, so anyone can re-check a seal with any tool."""
    import hmac

    secret = bytes(range(32))
    assert keys.Pads.of(secret).hexdigest(b"message") == hmac.new(secret, b"message", "sha256").hexdigest()


# --- rotating the key ---------------------------------------------------------------------------

def test_rotating_the_key_keeps_old_events_verifiable_and_is_recorded(db, people, monkeypatch, audit_key):
    _events(3)
    old = keys.keyring().current
    monkeypatch.setenv("INCIDENTDESK_USER", people["administrator"].get_username())
    assert "stays in the key ring" in run("audit", "rotate-key")
    new = keys.keyring().current
    assert new != old
    assert set(keys.keyring().secrets) == {old, new}
    assert stat.S_IMODE(audit_key.stat().st_mode) == 0o600
    rotation = AuditEvent.objects.get(action="audit.key_rotated")
    assert (rotation.key_id, rotation.actor_name, json.loads(rotation.data)["before"]) == (
        new, people["administrator"].get_username(), {"key_id": old})
    assert checkpoints.read_folder()[-1].checkpoint.key_id == new  # the head, checkpointed under the new key
    _events(2, start=10)
    sealed = list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True))
    assert sealed == [old] * (rotation.seq - 1) + [new] * 3
    assert verify().ok


def test_only_an_administrator_rotates_the_key(db, people, monkeypatch, audit_key):
    _events(1)
    before, events = audit_key.read_text(), AuditEvent.objects.count()
    monkeypatch.setenv("INCIDENTDESK_USER", people["auditor"].get_username())
    with pytest.raises(CommandError, match="does not allow"):
        run("audit", "rotate-key")
    assert audit_key.read_text() == before
    assert AuditEvent.objects.count() == events


def test_a_key_from_the_environment_is_not_rotated_by_the_command(db, people, monkeypatch, settings):
    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE = "11" * 32, None
    monkeypatch.setenv("INCIDENTDESK_USER", people["administrator"].get_username())
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="at the end of that variable"):
        run("audit", "rotate-key")
    assert AuditEvent.objects.count() == before


# --- checkpoints ---------------------------------------------------------------------------------

def test_a_checkpoint_is_kept_only_when_the_head_moved(db):
    _events(2)
    first = head_checkpoint()
    assert head_checkpoint() == first
    _events(1, start=3)
    head_checkpoint()
    assert [e.checkpoint.seq for e in checkpoints.read_folder()] == [2, 3]


def test_an_empty_log_is_not_checkpointed_into_the_folder(db):
    assert head_checkpoint().seq == 0
    assert checkpoints.read_folder() == []


def test_the_command_writes_and_prints_a_checkpoint(db):
    _events(4)
    printed = json.loads(run("audit", "checkpoint"))
    assert printed == json.loads((checkpoints.folder() / checkpoints.FILE_NAME).read_text())
    assert (printed["seq"], printed["hash"]) == (4, AuditEvent.objects.get(seq=4).hash)


def test_each_scheduler_pass_checkpoints_the_head(db, organisation):
    _events(3)
    run("remind")
    assert [e.checkpoint.seq for e in checkpoints.read_folder()][-1] == AuditEvent.objects.order_by("seq").last().seq


def test_a_scheduler_pass_goes_on_when_the_checkpoint_folder_cannot_be_written(db, organisation, settings, tmp_path):
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("")
    settings.AUDIT_CHECKPOINT_DIR = blocker
    _events(1)
    err = StringIO()
    call_command("incidentdesk", "remind", stdout=StringIO(), stderr=err)
    assert "Could not write the audit checkpoint" in err.getvalue()


def test_verify_on_the_command_line_names_the_first_bad_event_from_an_auditors_file(db, tmp_path):
    _events(6)
    copy = tmp_path / "auditor.jsonl"
    copy.write_text(json.dumps(json.loads(run("audit", "checkpoint"))) + "\n")
    (checkpoints.folder() / checkpoints.FILE_NAME).unlink()
    attacker.truncate_after(4)
    assert "no checkpoint to compare it with yet" in run("audit", "verify")
    with pytest.raises(CommandError, match=r"broken at event #5: the checkpoint in the file .*auditor.jsonl, line 1 "
                                           r"\(made .*\) records event #6, but the log now ends at #4"):
        run("audit", "verify", "--checkpoint", str(copy))


def test_verify_checks_a_fingerprint_copied_from_a_report(db):
    _events(3)
    seal = AuditEvent.objects.get(seq=3).hash
    spaced = " ".join(seal[i:i + 4] for i in range(0, 16, 4))
    assert "Audit chain intact" in run("audit", "verify", "--expect", f"3:{spaced}")
    with pytest.raises(CommandError, match="broken at event #1: event #3 is not the one the fingerprint you gave"):
        run("audit", "verify", "--expect", "3:0123456789abcdef")
    with pytest.raises(CommandError, match="at least 8 characters"):
        run("audit", "verify", "--expect", "3:ab")


def test_verify_as_json_lists_every_problem(db, tmp_path):
    _events(3)
    head_checkpoint()
    attacker.sql("UPDATE audit_auditevent SET data = '{}' WHERE seq = 2")
    forged = tmp_path / "forged.jsonl"
    forged.write_text('{"seq": 1}\n')
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("incidentdesk", "audit", "verify", "--json", "--checkpoint", str(forged), stdout=out)
    data = json.loads(out.getvalue())
    assert (data["ok"], data["first_broken"], data["checkpoints"]) == (False, 2, 1)
    assert data["problem"] == "event #2 was altered: its content no longer matches its seal"
    assert data["other_problems"] == [f"The checkpoint in the file {forged}, line 1, cannot be trusted: it is not a "
                                      "checkpoint (event number, seal, time, key or signature missing)."]


# --- the page, the API, the report ---------------------------------------------------------------

def test_the_audit_page_offers_a_checkpoint_to_download(as_person):
    client = as_person("auditor")
    page = client.get("/audit/")
    assert b"Download a checkpoint" in page.content
    response = client.get("/audit/checkpoint/")
    made = checkpoints.parse(response.content.decode())
    assert response["Content-Disposition"] == f'attachment; filename="audit-checkpoint-event-{made.seq}.jsonl"'
    assert made.hash == AuditEvent.objects.get(seq=made.seq).hash
    assert checkpoints.signature_problem(made, keys.keyring()) == ""


def test_the_audit_pages_verify_shows_what_the_command_shows(as_person):
    head_checkpoint()
    last = AuditEvent.objects.order_by("seq").last().seq
    attacker.truncate_after(last - 1)
    page = as_person("auditor").get("/audit/", {"verify": "1"}).content.decode()
    assert f"Chain broken at event #{last}:" in page
    assert f"records event #{last}, but the log now ends at #{last - 1}" in page


def test_the_api_gives_a_signed_checkpoint_to_an_auditors_read_token(db, people, client):
    token = create_token(user=people["auditor"], name="t", scopes=["read"], by=None)[1]
    body = client.get("/api/audit/checkpoint", headers={"Authorization": f"Bearer {token}"}).json()
    made = checkpoints.parse(json.dumps({k: v for k, v in body.items() if v is not None}))
    assert checkpoints.signature_problem(made, keys.keyring()) == ""
    assert made.seq == AuditEvent.objects.order_by("seq").last().seq
    viewer = create_token(user=people["viewer"], name="t", scopes=["read"], by=None)[1]
    assert client.get("/api/audit/checkpoint", headers={"Authorization": f"Bearer {viewer}"}).status_code == 403


def test_every_incident_report_prints_the_checkpoint_of_the_log(record):
    from incidentdesk.documents.report import sections

    incident = record()
    timeline = dict(sections(incident))["Timeline (audit log)"]
    head = AuditEvent.objects.order_by("seq").last()
    fingerprint = " ".join(head.hash[i:i + 4] for i in range(0, 16, 4))
    assert f"Audit log at the time of this report: event #{head.seq}, fingerprint {fingerprint}" in timeline
    assert f"incidentdesk audit verify --expect {head.seq}:{head.hash[:16]}" in timeline
    assert checkpoints.read_folder()[-1].checkpoint.seq == head.seq


# --- production settings, as an operator starts them -----------------------------------------------

def test_check_deploy_says_what_to_do_when_production_has_no_audit_key(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("INCIDENTDESK_", "DJANGO_"))}
    environment |= {"INCIDENTDESK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "incidentdesk.settings",
                    "INCIDENTDESK_DEBUG": "false", "INCIDENTDESK_SECRET_KEY": "s" * 60,
                    "INCIDENTDESK_ALLOWED_HOSTS": "incidents.example.org"}
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check", "--deploy"], capture_output=True,
                            text=True, env=environment, cwd=tmp_path, timeout=120)
    assert result.returncode != 0
    assert "audit.E001" in result.stderr
    assert "The audit log has no key" in result.stderr
    assert not (tmp_path / "audit.key").exists()
