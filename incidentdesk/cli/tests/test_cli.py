"""The command line, driven as a user would: record, show, classify, clocks, export, audit verify."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conftest import table_counts
from incidentdesk.incidents.models import Incident


def run(*args) -> str:
    out = StringIO()
    call_command("incidentdesk", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_record_with_flags_prints_the_id_and_next_deadline(organisation):
    text = run("record", "--title", "Wrong answer published", "--description", "Chatbot invented a policy",
               "--detected-at", "now", "--published", "yes", "--personal-data", "no", "--tool", "Chatbot")
    assert "Recorded INC-2026-001: level 2" in text
    incident = Incident.objects.get()
    assert incident.tools.get().name == "Chatbot"
    assert incident.facts["published_externally"] is True


def test_record_json_output(organisation):
    data = json.loads(run("record", "--title", "t", "--description", "d", "--personal-data", "unknown", "--json"))
    assert data["reference"] == "INC-2026-001"
    assert data["severity"] == 3
    assert data["provisional"]


def test_show_list_classify_and_clocks(organisation):
    run("record", "--title", "Leak", "--description", "Data pasted", "--personal-data", "yes")
    assert "INC-2026-001" in run("list")
    shown = run("show", "INC-2026-001")
    assert "PROC-4-L3-GDPR-ASSESSMENT" in shown
    assert "why:" in shown
    assert "classified at level 3" in run("classify", "inc-2026-001", "--level", "3", "--reason", "Personal data")
    clocks = json.loads(run("clocks", "--json"))
    assert clocks
    assert clocks[0]["incident"] == "INC-2026-001"
    assert all(a["due_at"] <= b["due_at"] for a, b in zip(clocks, clocks[1:], strict=False))


def test_update_sets_facts(organisation):
    run("record", "--title", "t", "--description", "d", "--personal-data", "no", "--published", "no")
    run("update", "INC-2026-001", "--set", "harm.serious_health_harm=yes", "--set", "aware_at=now")
    incident = Incident.objects.get()
    assert incident.severity_level == 4
    assert incident.aware_at is not None


def test_unknown_incident_is_a_clear_error(organisation):
    with pytest.raises(CommandError, match="no incident 'INC-2026-999'"):
        run("show", "INC-2026-999")


def test_bad_record_stores_nothing(organisation):
    before = table_counts()
    with pytest.raises(CommandError, match="future"):
        run("record", "--title", "t", "--description", "d", "--detected-at", "2030-01-01T10:00")
    with pytest.raises(CommandError, match="not a date"):
        run("record", "--title", "t", "--description", "d", "--detected-at", "yesterday-ish")
    with pytest.raises(CommandError, match="title"):
        run("record", "--title", "", "--description", "d")
    assert table_counts() == before


def test_export_csv_and_json(organisation):
    run("record", "--title", "First", "--description", "d", "--personal-data", "no")
    csv_text = run("export", "--format", "csv")
    assert csv_text.splitlines()[0].startswith("reference,title,status")
    assert "INC-2026-001" in csv_text
    assert json.loads(run("export", "--format", "json"))[0]["title"] == "First"


def test_audit_verify(organisation):
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
    ({**FACTS, "occurred_at": "2026-11-21T09:00:00+01:00"}, "occurred_at is after detected_at"),
    ({**FACTS, "harm": {"deth": True}}, "harm.deth"),
    ({**FACTS, "detected_at": "2031-01-01T00:00:00Z"}, "future"),
])
def test_assess_refuses_bad_facts(db, tmp_path, facts, message):
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
                            env={"PATH": "/usr/bin:/bin", "INCIDENTDESK_DATA_DIR": str(tmp_path)}, timeout=60)
    assert result.returncode != 0
    assert "UTC offset" in result.stderr


def test_the_documented_schema_is_current(db):
    committed = json.loads((Path(__file__).parents[3] / "docs" / "facts.schema.json").read_text())
    assert json.loads(run("schema")) == committed, "run: incidentdesk schema > docs/facts.schema.json"


def test_person_add_gives_a_login_a_role_and_refuses_a_weak_password(db, organisation):
    from django.core.management import CommandError, call_command

    from incidentdesk.accounts.permissions import role_of

    call_command("incidentdesk", "person", "add", "ana", "--role", "responder", "--password", "correct horse 42")
    from django.contrib.auth import get_user_model

    assert role_of(get_user_model().objects.get(username="ana")) == "responder"
    with pytest.raises(CommandError, match="too short"):
        call_command("incidentdesk", "person", "add", "bo", "--role", "viewer", "--password", "abc")
    with pytest.raises(CommandError, match="role: choose one of"):
        call_command("incidentdesk", "person", "role", "ana", "boss")
    assert not get_user_model().objects.filter(username="bo").exists()


def test_status_refuses_with_what_is_missing_and_report_writes_a_pdf(record, tmp_path):
    incident = record()
    with pytest.raises(CommandError, match="record a containment action that stopped the harm"):
        call_command("incidentdesk", "status", incident.reference, "--to", "contained")
    target = tmp_path / "report.pdf"
    call_command("incidentdesk", "report", incident.reference, "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
