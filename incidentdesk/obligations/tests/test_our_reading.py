"""'Our reading': a deadline that rests on our interpretation says so, next to the deadline, everywhere it is shown.

Every rule marked ``check = "M"`` (and every severity rule whose citation says "[M]") must carry an
``our_reading`` sentence in its rule file; the workspace, the API, the incident report and the calendar
feed show it next to the deadline computed from that rule.
"""

import shutil

import pytest

from incidentdesk.assessment.rulebook import RULES_DIR, Rulebook, load_rulebook
from incidentdesk.obligations.models import Obligation, RuleSnapshot

CONTAIN = "PROC-4-L3-CONTAIN"  # "immediate containment" read as 24 hours: check = "M"
LEVEL_3 = {"personal_data": {"involved": True, "lost": ["confidentiality"]}, "published_externally": False}


def missing_readings(rulebook: Rulebook) -> list[str]:
    """The rules marked as our own reading ([M]) that do not say what the reading is."""
    rules = [r.id for r in rulebook.obligations if r.check == "M" and not r.our_reading.strip()]
    return rules + [r.id for r in rulebook.severity.rule if "[M]" in r.citation and not r.our_reading.strip()]


def test_every_rule_marked_as_our_reading_says_what_the_reading_is():
    assert missing_readings(load_rulebook()) == []


def test_a_rule_marked_m_without_its_reading_is_caught(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    internal = rules / "internal.toml"
    text = internal.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("our_reading")]
    internal.write_text("\n".join(lines), encoding="utf-8")
    severity = rules / "severity.toml"
    severity.write_text("\n".join(line for line in severity.read_text(encoding="utf-8").splitlines()
                                  if not line.startswith("our_reading")), encoding="utf-8")
    assert missing_readings(load_rulebook(rules)) == [CONTAIN, "SEV-3-DISCRIMINATION", "SEV-4-IMMINENT-RISK"]


@pytest.fixture
def level3(record):
    return record(facts=LEVEL_3)


def test_the_workspace_shows_our_reading_next_to_the_deadline(level3, as_person):
    page = as_person("viewer").get(f"/incidents/{level3.reference}/").content.decode()
    contain = page.index("Contain the incident", page.index('id="clocks"'))  # the clock (the header names it too)
    note = page.index("Our reading", contain)
    assert note < page.index("</li>", contain)
    assert "we read it as within 24 hours of detection" in page[note:note + 600]


def test_no_note_where_the_deadline_rests_on_the_text(record, as_person):
    incident = record()  # level 2: no rule with a reading applies
    page = as_person("viewer").get(f"/incidents/{incident.reference}/").content.decode()
    assert "Our reading" not in page


def test_the_api_returns_the_reading_as_a_field(level3, people, client):
    from incidentdesk.accounts.tokens import create_token

    token = create_token(user=people["viewer"], name="t", by=None, scopes=["read"])[1]
    rows = client.get(f"/api/incidents/{level3.reference}/obligations",
                      headers={"Authorization": f"Bearer {token}"}).json()
    readings = {row["rule_id"]: row["our_reading"] for row in rows}
    assert readings[CONTAIN].startswith('The procedure asks for "immediate containment"')
    assert readings["PROC-6-3-CLASSIFY"] == ""


def test_the_incident_report_lists_the_reading(level3):
    from incidentdesk.documents.report import sections

    text = "\n".join(body for _, body in sections(level3))
    line = next(line for line in text.splitlines() if "Contain the incident" in line)
    assert "*our reading:*" in line
    assert "24 hours of detection" in line


def test_the_calendar_entry_carries_the_reading(level3, people):
    from incidentdesk.reminders.calendar import feed

    assert b"Our reading: The procedure asks for" in feed(people["viewer"]).replace(b"\r\n ", b"")


def test_a_snapshot_older_than_the_note_takes_it_from_the_same_rule_version(level3):
    row = Obligation.objects.select_related("snapshot").get(incident=level3, rule_id=CONTAIN)
    terms = {k: v for k, v in row.snapshot.terms.items() if k != "our_reading"}
    old = RuleSnapshot.objects.create(rule_id=CONTAIN, version=row.rule_version, digest="old-" * 16, terms=terms)
    Obligation.objects.filter(pk=row.pk).update(snapshot=old)
    assert "24 hours" in Obligation.objects.get(pk=row.pk).our_reading
    Obligation.objects.filter(pk=row.pk).update(rule_version="0.9.0")  # another version: another law, no note
    assert Obligation.objects.get(pk=row.pk).our_reading == ""


def test_the_stored_reading_is_the_one_the_obligation_was_computed_with(level3):
    row = Obligation.objects.select_related("snapshot").get(incident=level3, rule_id=CONTAIN)
    assert row.snapshot.terms["our_reading"] == row.our_reading != ""


def test_the_cli_shows_the_reading_beside_the_deadline(level3):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("incidentdesk", "show", level3.reference, stdout=out)
    lines = out.getvalue().splitlines()
    contain = next(i for i, line in enumerate(lines) if CONTAIN in line)
    assert lines[contain + 1].strip().startswith('our reading: The procedure asks for "immediate containment"')
    out = io.StringIO()
    call_command("incidentdesk", "show", level3.reference, "--json", stdout=out)
    rows = {o["rule_id"]: o["our_reading"] for o in json.loads(out.getvalue())["obligations"]}
    assert "24 hours" in rows[CONTAIN]
