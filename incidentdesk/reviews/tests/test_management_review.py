"""The management review pack: the dashboard's figures, for a period, as PDF and DOCX, audited, private."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest

from conftest import NOW

BRUSSELS_NEW_YEAR = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January 2026 in Brussels


@pytest.fixture
def demo(db, time_machine):
    """The demo organisation, loaded at NOW (its incidents are relative to the time it is loaded)."""
    from django.contrib.auth import get_user_model

    from incidentdesk.cli import demo as demo_data

    time_machine.move_to(NOW, tick=False)
    demo_data.load()
    return get_user_model().objects.get(username="manager")


def _text(sections) -> str:
    return "\n".join(f"{heading}\n{text}" for heading, text in sections)


def test_the_pack_has_the_dashboards_figures_on_the_demo(demo):
    """One source: every figure the dashboard also shows is the same in the pack and in its words."""
    from incidentdesk.dashboard import services as dashboard
    from incidentdesk.reviews import document, pack

    d = dashboard.build(user=demo, now=NOW)
    p = pack.build(user=demo, now=NOW)
    text = _text(document.sections(p))

    assert p.incidents == 11  # the demo's twelve, less its level-4 tabletop, which is an exercise
    assert sum(p.by_level.values()) == 11
    assert p.by_tool[:10] == d.per_tool
    assert p.compliance == d.compliance
    assert dashboard.median_hours(p.time_to_classify) == d.median_hours_to_classify
    assert dashboard.median_hours(p.time_to_contain) == d.median_hours_to_contain
    assert len(p.overdue_clocks) == d.overdue > 0
    assert p.actions.overdue_now == len(d.overdue_actions)
    for month, counts in d.per_month.items():
        assert p.per_month.get(month, counts) == counts
    assert sum(sum(c.values()) for c in p.per_month.values()) == sum(p.by_category.values())
    assert {level: n for level, n in dashboard.by_level(
        dashboard.recent_incidents(demo, NOW).exclude(status="closed")).items()} == d.open_by_severity
    # ...and the words say the same numbers
    assert f"Deadlines completed: {d.compliance['done']}" in text
    assert f"Met on time: {d.compliance['on_time']}" in text
    assert f"**Deadlines overdue** ({d.overdue} in all)" in text
    for name, n in d.per_tool:
        assert f"- {name}: {n}" in text
    from incidentdesk.reviews.words import duration, plural

    contained = p.time_to_contain
    assert len(contained) > 1
    assert (f"Time to the first containment action: {duration(dashboard.median(contained))} "
            f"(median of {plural(len(contained), 'incident')})") in text  # hours with a decimal on the dashboard
    assert " h " not in text
    assert "960.0" not in text


def test_the_demos_exercise_is_in_no_figure_or_risk_of_the_pack(demo):
    """Exercises are left out of every management figure (issue 15): the demo's level-4 rehearsal is not an
    open risk, and nothing of it is counted."""
    from incidentdesk.incidents.models import Incident
    from incidentdesk.reviews import pack

    exercise = Incident.objects.get(is_exercise=True)
    p = pack.build(user=demo, now=NOW)
    assert exercise not in p.open_serious
    assert exercise.reference not in {line.incident_ref for line in p.lessons}
    assert all(o.incident_id != exercise.pk for o in p.overdue_clocks)


def test_the_pack_renders_as_pdf_and_docx_and_each_is_audited(demo):
    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.reviews import services

    period = services.period(None, None, now=NOW)
    assert (period.first, period.last) == (date(2025, 11, 23), date(2026, 11, 22))
    pdf = services.export(user=demo, period=period, fmt="pdf", via="cli", now=NOW)
    docx = services.export(user=demo, period=period, fmt="docx", via="web", now=NOW)
    assert pdf.startswith(b"%PDF")
    body = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "Management review of AI incidents: 23 November 2025 to 22 November 2026" in body
    assert "Decisions asked of management" in body
    events = [json.loads(e.data) for e in AuditEvent.objects.filter(action="management_review.generated")
              .order_by("seq")]
    assert [e["after"]["format"] for e in events] == ["pdf", "docx"]
    assert events[0]["after"]["first"] == "2025-11-23"
    assert AuditEvent.objects.filter(action="management_review.generated", actor_name="manager").count() == 2
    assert "generated as PDF on the command line" in events[0]["summary"]


def test_a_period_is_counted_in_the_organisations_days(record, manager, time_machine):
    """An incident at 00:30 in Brussels on 1 January belongs to January, though it is still 31 December in UTC."""
    from incidentdesk.reviews import pack, services

    time_machine.move_to(NOW, tick=False)
    record(detected_at=BRUSSELS_NEW_YEAR)
    december = pack.build(user=manager, period=services.period(date(2025, 12, 1), date(2025, 12, 31), NOW), now=NOW)
    january = pack.build(user=manager, period=services.period(date(2026, 1, 1), date(2026, 1, 31), NOW), now=NOW)
    assert (december.incidents, january.incidents) == (0, 1)
    assert list(january.per_month) == ["2026-01"]
    assert sum(january.per_month["2026-01"].values()) == 1


@pytest.mark.parametrize(("first", "last", "says"), [
    (date(2026, 6, 1), date(2026, 5, 1), "ends (2026-05-01) before it starts (2026-06-01)"),
    (date(2027, 1, 1), None, "starts after today"),
])
def test_a_period_that_makes_no_sense_is_refused_and_nothing_is_generated(people, as_person, time_machine,
                                                                         first, last, says):
    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.reviews import services

    time_machine.move_to(NOW, tick=False)
    with pytest.raises(services.ReviewRefused, match=r"\(?" + says.split(" (")[0]):
        services.period(first, last, NOW)
    query = f"?first={first}" + (f"&last={last}" if last else "")
    before = AuditEvent.objects.count()
    page = as_person("manager").get("/management-review/" + query)
    assert page.status_code == 422
    assert says in page.content.decode()
    download = as_person("manager").get("/management-review/pack.pdf" + query)
    assert download.status_code == 422
    assert says in download.content.decode()
    assert AuditEvent.objects.count() == before


def test_only_twelve_months_up_to_the_last_day_when_only_the_last_day_is_given(organisation):
    from incidentdesk.reviews import services

    period = services.period(None, date(2026, 6, 30), NOW)
    assert (period.first, period.last) == (date(2025, 7, 1), date(2026, 6, 30))


def test_a_restricted_incident_is_not_in_the_pack_of_someone_not_named(people, record, time_machine):
    from incidentdesk.incidents import access
    from incidentdesk.reviews import document, pack

    time_machine.move_to(NOW, tick=False)
    record(title="Ordinary incident")
    secret = record(title="Zebra quartz leak", by=people["manager"],
                    facts={"published_externally": False, "harm": {"death": True}, "personal_data": {"involved": False}})
    access.restrict(incident=secret, restricted=True, people=[], by=people["manager"])
    seen = pack.build(user=people["viewer"], now=NOW)
    text = _text(document.sections(seen))
    assert seen.incidents == 1
    assert secret.reference not in text
    assert "Zebra" not in text
    assert all(o.incident_id != secret.pk for o in seen.overdue_clocks)
    named = pack.build(user=secret.created_by, now=NOW)
    assert named.incidents == 2
    assert secret.reference in _text(document.sections(named))


def test_the_page_previews_and_downloads(people, as_person, record, time_machine):
    from incidentdesk.audit.models import AuditEvent

    time_machine.move_to(NOW, tick=False)
    record()
    client = as_person("viewer")
    page = client.get("/management-review/?first=2026-01-01&last=2026-11-22").content.decode()
    assert "Management review of AI incidents: 1 January 2026 to 22 November 2026" in page
    assert "pack.pdf?first=2026-01-01&amp;last=2026-11-22" in page
    assert not AuditEvent.objects.filter(action="management_review.generated").exists()  # reading is not exporting
    response = client.get("/management-review/pack.docx?first=2026-01-01&last=2026-11-22")
    assert response.status_code == 200
    assert 'filename="management-review-2026-01-01-to-2026-11-22.docx"' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="management_review.generated").count() == 1
    assert as_person("reporter").get("/management-review/").status_code == 403


def test_the_api_gives_the_figures_and_the_document(people, client, record, time_machine):
    from incidentdesk.accounts.tokens import create_token

    time_machine.move_to(NOW, tick=False)
    record()
    _, token = create_token(user=people["auditor"], name="t", scopes=["read"], by=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get("/api/management-review?from=2026-01-01&to=2026-11-22", **auth).json()
    assert (body["first"], body["last"], body["incidents"]) == ("2026-01-01", "2026-11-22", 1)
    assert body["by_level"]["2"] == 1
    assert body["time_zone"] == "Europe/Brussels"
    assert body["sections"][1]["text"].startswith("1 incident detected in the period.")
    assert client.get("/api/management-review/pdf?from=2026-01-01", **auth).content.startswith(b"%PDF")
    refused = client.get("/api/management-review?from=2026-06-01&to=2026-05-01", **auth)
    assert refused.status_code == 422
    assert "before it starts" in refused.json()["detail"]


def test_the_cli_writes_the_pack_as_the_person_named(cli_user, record, tmp_path, time_machine):
    from django.core.management import CommandError, call_command

    time_machine.move_to(NOW, tick=False)
    record()
    out = tmp_path / "review.docx"
    call_command("incidentdesk", "management-review", "--from", "2026-01-01", "--to", "2026-11-22",
                 "--format", "docx", "-o", str(out))
    assert zipfile.is_zipfile(out)
    with pytest.raises(CommandError, match="is not a day"):
        call_command("incidentdesk", "management-review", "--from", "yesterday", "-o", str(out))
    with pytest.raises(CommandError, match="choose pdf or docx"):
        call_command("incidentdesk", "management-review", "--format", "xlsx", "-o", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(("value", "words"), [
    (timedelta(hours=960), "40 days"), (timedelta(hours=28, minutes=10), "1 day 4 hours"),
    (timedelta(minutes=40), "40 minutes"), (timedelta(hours=5, minutes=20), "5 hours 20 minutes"),
    (timedelta(seconds=20), "less than a minute"), (None, "not measured (none in the period)"),
])
def test_durations_are_in_words(value, words):
    from incidentdesk.reviews.words import duration

    assert duration(value) == words


def test_decisions_come_from_the_figures_and_an_unknown_figure_is_an_error(monkeypatch):
    from incidentdesk.reviews import decisions

    figures = dict.fromkeys({rule["figure"] for rule in decisions.rules()}, 0)
    assert decisions.asked(figures) == []
    asked = decisions.asked(figures | {"overdue_clocks": 3, "stale_contacts": 1})
    assert [d.id for d in asked] == ["overdue-clocks", "stale-contacts"]
    assert asked[0].ask.startswith("3 legal or internal deadlines are overdue")
    assert asked[1].ask.startswith("One contact")
    assert all(d.source for d in asked)
    with pytest.raises(KeyError, match="unknown figure"):
        decisions.asked({"overdue_clocks": 1})
