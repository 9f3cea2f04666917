"""``incidentdesk reevaluate --preview`` / ``--apply [REF ...]``: the law change from the command line."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import Incident, Status

from .test_law_change import CLASSIFY, classify_in_12_hours

pytestmark = pytest.mark.usefixtures("frozen_now")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("incidentdesk", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_preview_lists_each_clock_that_would_move_and_stores_nothing(record, rules_dir, cli_user):
    incident = record()
    classify_in_12_hours(rules_dir)
    counts = table_counts()

    text = run("reevaluate", "--preview")

    assert "Incident procedure (internal deadlines): 1.1.0 → 1.2.0 (checked 2026-11-21)" in text
    assert incident.reference in text
    assert (f"{CLASSIFY} (Seed procedure §6 step 3, rule v1.1.0 → v1.2.0) moves: 2026-11-21 09:00 CET (08:00 UTC) → "
            "2026-11-20 21:00 CET (20:00 UTC)") in text
    assert table_counts() == counts


def test_preview_as_json(record, rules_dir, cli_user):
    record()
    classify_in_12_hours(rules_dir)
    data = json.loads(run("reevaluate", "--preview", "--json"))
    assert data["files"][0]["version"] == "1.2.0"
    kinds = {c["rule_id"]: c["kind"] for c in data["incidents"][0]["changes"]}
    assert kinds[CLASSIFY] == "moves"
    assert kinds["PROC-6-5-RCA"] == "version"  # same clock, new rule version: listed, not counted as a change


def test_apply_some_then_all(record, rules_dir, cli_user):
    first, second = record(), record()
    classify_in_12_hours(rules_dir)

    assert f"Re-evaluated {first.reference}" in run("reevaluate", "--apply", first.reference)
    assert second.reference in run("reevaluate", "--preview")
    assert first.reference not in run("reevaluate", "--preview")
    assert f"Re-evaluated {second.reference}" in run("reevaluate", "--apply")
    assert "nothing was changed" in run("reevaluate", "--apply")
    assert AuditEvent.objects.filter(action="obligations.reevaluated", actor=cli_user).count() == 2


def test_a_closed_incident_is_refused_with_the_reason(record, rules_dir, cli_user):
    closed = record()
    Incident.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    classify_in_12_hours(rules_dir)
    counts = table_counts()
    with pytest.raises(CommandError, match="a closed incident keeps the law that applied") as refused:
        run("reevaluate", "--apply", closed.reference)
    assert refused.value.returncode == 1
    assert table_counts() == counts


def test_a_viewer_may_not_apply(record, rules_dir, people, monkeypatch):
    incident = record()
    classify_in_12_hours(rules_dir)
    monkeypatch.setenv("INCIDENTDESK_USER", people["viewer"].username)
    counts = table_counts()
    with pytest.raises(CommandError, match="does not allow this"):
        run("reevaluate", "--apply", incident.reference)
    with pytest.raises(CommandError, match="does not allow this"):
        run("reevaluate", "--preview")
    assert table_counts() == counts


def test_neither_a_reference_nor_a_choice_is_refused(cli_user):
    with pytest.raises(CommandError, match="--preview"):
        run("reevaluate")
