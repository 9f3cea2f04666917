"""The command line, driven as a user would: record, show, classify, clocks, export, audit verify.

Time is pinned to ``conftest.NOW`` (22 November 2026) wherever an incident is detected "now", so the
expected ids (INC-2026-…) and "the future" stay right whatever the date the suite runs on.
"""

import json
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conftest import NOW, table_counts
from incidentdesk.incidents.models import Incident

YEAR = NOW.year
FUTURE = (NOW + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
REPO = Path(__file__).parents[3]  # the console script runs this checkout's code, not an installed copy


def run(*args) -> str:
    out = StringIO()
    call_command("incidentdesk", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def ops(organisation, monkeypatch, time_machine):
    """An incident manager named by INCIDENTDESK_USER, at a pinned time: the CLI never acts anonymously."""
    from incidentdesk.accounts.services import add_person

    time_machine.move_to(NOW)
    monkeypatch.setenv("INCIDENTDESK_USER", "ops")
    return add_person(username="ops", password="a-long-test-password", role="incident_manager", by=None)


def test_record_with_flags_prints_the_id_and_next_deadline(ops):
    text = run("record", "--title", "Wrong answer published", "--description", "Chatbot invented a policy",
               "--detected-at", "now", "--published", "yes", "--personal-data", "no", "--tool", "Chatbot")
    assert f"Recorded INC-{YEAR}-001: level 2" in text
    incident = Incident.objects.get()
    assert incident.tools.get().name == "Chatbot"
    assert incident.facts["published_externally"] is True


def test_record_json_output(ops):
    data = json.loads(run("record", "--title", "t", "--description", "d", "--personal-data", "unknown", "--json"))
    assert data["reference"] == f"INC-{YEAR}-001"
    assert data["severity"] == 3
    assert data["provisional"]


def test_show_list_classify_and_clocks(ops):
    run("record", "--title", "Leak", "--description", "Data pasted", "--personal-data", "yes")
    assert f"INC-{YEAR}-001" in run("list")
    shown = run("show", f"INC-{YEAR}-001")
    assert "PROC-4-L3-GDPR-ASSESSMENT" in shown
    assert "why:" in shown
    assert "classified at level 3" in run("classify", f"inc-{YEAR}-001", "--level", "3", "--reason", "Personal data")
    clocks = json.loads(run("clocks", "--json"))
    assert clocks
    assert clocks[0]["incident"] == f"INC-{YEAR}-001"
    assert all(a["due_at"] <= b["due_at"] for a, b in zip(clocks, clocks[1:], strict=False))


def test_update_sets_facts(ops):
    run("record", "--title", "t", "--description", "d", "--personal-data", "no", "--published", "no")
    run("update", f"INC-{YEAR}-001", "--set", "harm.serious_health_harm=yes", "--set", "aware_at=now")
    incident = Incident.objects.get()
    assert incident.severity_level == 4
    assert incident.aware_at is not None


def test_unknown_incident_is_a_clear_error(organisation):
    with pytest.raises(CommandError, match="no incident 'INC-2026-999'"):
        run("show", "INC-2026-999")


def test_bad_record_stores_nothing(ops):
    before = table_counts()
    with pytest.raises(CommandError, match="future"):
        run("record", "--title", "t", "--description", "d", "--detected-at", FUTURE)
    with pytest.raises(CommandError, match="not a date"):
        run("record", "--title", "t", "--description", "d", "--detected-at", "yesterday-ish")
    with pytest.raises(CommandError, match="title"):
        run("record", "--title", "", "--description", "d")
    assert table_counts() == before


def test_export_csv_and_json(ops):
    run("record", "--title", "First", "--description", "d", "--personal-data", "no")
    csv_text = run("export", "--format", "csv")
    assert csv_text.splitlines()[0].startswith("Reference,Title,Status,Detected (")
    assert f"INC-{YEAR}-001" in csv_text
    assert json.loads(run("export", "--format", "json"))[0]["title"] == "First"


def test_audit_verify(ops):
    run("record", "--title", "t", "--description", "d")
    assert "Audit chain intact" in run("audit", "verify")


FACTS = {"detected_at": "2026-11-20T09:00:00+01:00",
         "organisation": {"country": "BE", "time_zone": "Europe/Brussels", "ai_act_role": "provider"},
         "tools": [{"name": "Triage", "in_inventory": True, "high_risk": True}],
         "personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["health"]},
         "harm": {"serious_health_harm": True}}


def test_assess_prints_the_documented_json_and_stores_nothing(db, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(FACTS))
    before = table_counts()
    data = json.loads(run("assess", str(path), "--json", "--now", "2026-11-21T12:00Z"))
    assert set(data) >= {"severity", "obligations", "gdpr", "unknown_facts"}
    assert {"level", "name", "reasons"} <= set(data["severity"])
    assert data["severity"]["level"] == 4
    assert {"regime", "action", "clock_start", "due_at", "citation", "status", "reasons"} <= set(data["obligations"][0])
    assert {"score", "band", "notify_supervisory_authority", "communicate_to_data_subjects", "reasons"} <= set(data["gdpr"])
    assert "harm.death" in data["unknown_facts"]
    assert table_counts() == before


@pytest.mark.parametrize(("facts", "message"), [
    ({"detected_at": "2026-11-20T09:00:00"}, "UTC offset"),
    ({**FACTS, "occurred_at": "2026-11-21T09:00:00+01:00"}, "The time it happened is after the detection time"),
    ({**FACTS, "harm": {"deth": True}}, "harm.deth"),
    ({**FACTS, "detected_at": FUTURE + ":00Z"}, "future"),
])
def test_assess_refuses_bad_facts(db, tmp_path, facts, message, time_machine):
    time_machine.move_to(NOW)
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts))
    with pytest.raises(CommandError, match=message):
        run("assess", str(path), "--json")


def test_assess_refuses_invalid_json(db, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Invalid JSON"):
        run("assess", str(path))


def test_the_console_script_exits_non_zero_on_bad_input(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text('{"detected_at": "2026-11-20T09:00:00"}')
    script = Path(sys.executable).with_name("incidentdesk")
    result = subprocess.run([str(script), "assess", str(path), "--json"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "INCIDENTDESK_DATA_DIR": str(tmp_path),
                                 "PYTHONPATH": str(REPO)}, timeout=60)
    assert result.returncode != 0
    assert "UTC offset" in result.stderr


def test_the_documented_schema_is_current(db):
    committed = json.loads((Path(__file__).parents[3] / "docs" / "facts.schema.json").read_text())
    assert json.loads(run("schema")) == committed, "run: incidentdesk schema > docs/facts.schema.json"


def test_person_add_gives_a_login_a_role_and_refuses_a_weak_password(db, organisation, monkeypatch):
    from incidentdesk.accounts.permissions import role_of

    call_command("incidentdesk", "person", "add", "root", "--role", "administrator", "--password", "correct horse 42")
    monkeypatch.setenv("INCIDENTDESK_USER", "root")
    call_command("incidentdesk", "person", "add", "ana", "--role", "responder", "--password", "correct horse 42")
    from django.contrib.auth import get_user_model

    assert role_of(get_user_model().objects.get(username="ana")) == "responder"
    with pytest.raises(CommandError, match="too short"):
        call_command("incidentdesk", "person", "add", "bo", "--role", "viewer", "--password", "abc")
    with pytest.raises(CommandError, match="role: choose one of"):
        call_command("incidentdesk", "person", "role", "ana", "boss")
    assert not get_user_model().objects.filter(username="bo").exists()


def test_status_refuses_with_what_is_missing_and_report_writes_a_pdf(record, tmp_path, ops):
    incident = record()
    with pytest.raises(CommandError, match="record a containment action that stopped the harm"):
        call_command("incidentdesk", "status", incident.reference, "--to", "contained")
    target = tmp_path / "report.pdf"
    call_command("incidentdesk", "report", incident.reference, "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")


def test_a_change_without_a_person_is_refused_and_stores_nothing(organisation, monkeypatch):
    monkeypatch.delenv("INCIDENTDESK_USER", raising=False)
    before = table_counts()
    with pytest.raises(CommandError, match="Say who you are") as refused:
        run("record", "--title", "t", "--description", "d")
    assert refused.value.returncode == 1
    with pytest.raises(CommandError, match="'nobody' is not an active person"):
        run("--as", "nobody", "record", "--title", "t", "--description", "d")
    assert table_counts() == before


def test_an_inactive_person_cannot_act(ops):
    ops.is_active = False
    ops.save()
    with pytest.raises(CommandError, match="not an active person"):
        run("record", "--title", "t", "--description", "d")
    assert not Incident.objects.exists()


def test_the_person_is_named_in_the_audit_log_and_the_severity_history(ops, people):
    from incidentdesk.audit.models import AuditEvent

    run("record", "--title", "Leak", "--description", "d", "--personal-data", "yes")
    run("--as", "p-manager", "classify", f"INC-{YEAR}-001", "--level", "2", "--reason", "One record, encrypted")
    incident = Incident.objects.get()
    assert incident.severity_level == 2
    assert incident.classifications.last().by_name == "p-manager"
    assert AuditEvent.objects.filter(action="incident.created").get().actor_name == "ops"
    assert "system" not in set(AuditEvent.objects.filter(incident_ref=incident.reference)
                               .values_list("actor_name", flat=True))


def test_the_role_is_checked_as_in_the_web_app(ops, people):
    run("record", "--title", "Leak", "--description", "d", "--personal-data", "yes")
    before = table_counts()
    with pytest.raises(CommandError, match="p-viewer is viewer, a role that does not allow this \\(classify\\)"):
        run("--as", "p-viewer", "classify", f"INC-{YEAR}-001", "--level", "2", "--reason", "r")
    with pytest.raises(CommandError, match="does not allow this \\(record\\)"):
        run("--as", "p-auditor", "record", "--title", "t", "--description", "d")
    with pytest.raises(CommandError, match="does not allow this \\(classify\\)"):
        run("--as", "p-responder", "decide", f"INC-{YEAR}-001", "--notify", "--no-communicate", "--reason", "r")
    with pytest.raises(CommandError, match="manage organisation"):
        run("--as", "p-manager", "person", "role", "p-viewer", "administrator")
    assert table_counts() == before


def test_init_runs_as_the_system_only_before_anyone_can_sign_in(db, monkeypatch):
    monkeypatch.delenv("INCIDENTDESK_USER", raising=False)
    profile = ("init", "--name", "Test BV", "--country", "BE", "--time-zone", "Europe/Brussels")
    run(*profile)
    run("person", "add", "root", "--role", "administrator", "--password", "correct horse 42")
    with pytest.raises(CommandError, match="Say who you are"):
        run("person", "add", "second", "--role", "administrator", "--password", "correct horse 42")
    with pytest.raises(CommandError, match="Say who you are"):
        run(*profile[:-1], "Europe/Paris")
    run("--as", "root", *profile[:-1], "Europe/Paris")
    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.organisation.models import Organisation

    assert Organisation.objects.get().time_zone == "Europe/Paris"
    assert AuditEvent.objects.order_by("seq").last().actor_name == "root"


def test_the_console_script_refuses_an_anonymous_change_with_exit_code_1(tmp_path):
    script = Path(sys.executable).with_name("incidentdesk")
    env = {"PATH": "/usr/bin:/bin", "INCIDENTDESK_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}

    def cli(*args, **extra):
        return subprocess.run([str(script), *args], capture_output=True, text=True, env=env | extra, timeout=120)

    assert cli("init", "--name", "Test BV", "--country", "BE", "--time-zone", "Europe/Brussels").returncode == 0
    assert cli("person", "add", "root", "--role", "administrator", "--password", "correct horse 42").returncode == 0
    refused = cli("record", "--title", "t", "--description", "d")
    assert refused.returncode == 1
    assert "Say who you are" in refused.stderr
    assert "The register is empty." in cli("list").stdout
    recorded = cli("record", "--title", "t", "--description", "d", INCIDENTDESK_USER="root")
    assert recorded.returncode == 0, recorded.stderr
    assert "Recorded INC-" in recorded.stdout


def test_tokens_are_created_by_their_owner_or_an_administrator(ops, people):
    assert run("--as", "p-viewer", "token", "create", "p-viewer", "--name", "mine", "--scope", "read").startswith("idk_")
    from incidentdesk.accounts.models import ApiToken

    before = table_counts(), ApiToken.objects.count()
    with pytest.raises(CommandError, match="manage organisation"):
        run("--as", "p-viewer", "token", "create", "p-manager", "--name", "theirs", "--scope", "write")
    assert (table_counts(), ApiToken.objects.count()) == before
    assert run("--as", "p-administrator", "token", "create", "p-manager", "--name", "ci", "--scope", "read")


def test_the_first_person_must_be_an_administrator(db, monkeypatch):
    monkeypatch.delenv("INCIDENTDESK_USER", raising=False)
    with pytest.raises(CommandError, match="the first person must be an administrator"):
        run("person", "add", "ana", "--role", "viewer", "--password", "correct horse 42")


def test_reads_as_a_named_person_follow_the_access_policy(ops, people, monkeypatch):
    """`--as viewer show` used to print a restricted incident the viewer may not see (found by a review)."""
    from incidentdesk.incidents import access

    run("record", "--title", "Open one", "--description", "d")
    run("record", "--title", "Restricted one", "--description", "d")
    secret = Incident.objects.get(title="Restricted one")
    access.restrict(incident=secret, restricted=True, people=[], by=ops)
    for command in (("list",), ("export", "--format", "json")):
        seen = run("--as", "p-viewer", *command)
        assert "Open one" in seen
        assert secret.reference not in seen
        assert secret.reference in run("--as", "ops", *command)  # named on it
    with pytest.raises(CommandError, match="no incident"):
        run("--as", "p-viewer", "show", secret.reference)
    monkeypatch.delenv("INCIDENTDESK_USER")
    assert secret.reference in run("list")  # no one named: the server's operator reads the whole register


def test_assess_says_what_is_unknown_in_words_and_cites_the_procedure_readably(db, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({**FACTS, "tools": [{"name": "Triage", "in_inventory": True}]}))
    text = run("assess", str(path), "--now", "2026-11-21T12:00Z")
    assert "Is the tool a high-risk AI system? (tool: Triage)" in text
    assert "Did it lead to a person's death?" in text
    assert "harm.death" not in text
    assert "our incident procedure, section 6 'Response workflow', step 3 'Classify'" in text.replace("Our", "our")
    assert "Seed procedure" not in text
