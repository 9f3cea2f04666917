"""A later edit of a rule file never silently rewrites past obligations; re-evaluation is explicit and logged."""

from datetime import timedelta

from conftest import NOW
from incidentdesk.assessment import rulebook as rulebook_module
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.services import reassess, update_incident


def _edited_rulebook(monkeypatch, hours: int):
    original = rulebook_module.default_rulebook()
    regimes = dict(original.regimes)
    internal = regimes["internal"]
    rules = [r.model_copy(update={"deadline": r.deadline.model_copy(update={"hours": hours}), "version": "2.0.0"})
             if r.id == "PROC-6-3-CLASSIFY" else r for r in internal.obligation]
    regimes["internal"] = internal.model_copy(update={"obligation": rules})
    edited = original.model_copy(update={"regimes": regimes})
    monkeypatch.setattr(rulebook_module, "default_rulebook", lambda: edited)
    import incidentdesk.assessment.engine as engine
    import incidentdesk.incidents.services as services

    monkeypatch.setattr(engine, "default_rulebook", lambda: edited)
    monkeypatch.setattr(services, "default_rulebook", lambda: edited)


def test_an_edited_rule_does_not_change_an_existing_obligation(record, manager, monkeypatch):
    incident = record()
    due = incident.obligations.get(rule_id="PROC-6-3-CLASSIFY").due_at
    _edited_rulebook(monkeypatch, hours=12)
    update_incident(incident=incident, by=manager, now=NOW, changes={"affected_parties": "one client"})
    row = incident.obligations.get(rule_id="PROC-6-3-CLASSIFY")
    assert (row.due_at, row.rule_version, row.snapshot.terms["deadline"]["hours"]) == (due, "1.1.0", 24)


def test_reevaluation_applies_the_new_rule_and_is_logged(record, manager, monkeypatch):
    incident = record()
    due = incident.obligations.get(rule_id="PROC-6-3-CLASSIFY").due_at
    _edited_rulebook(monkeypatch, hours=12)
    reassess(incident=incident, by=manager, now=NOW, reevaluate=True)
    row = incident.obligations.get(rule_id="PROC-6-3-CLASSIFY")
    assert (row.due_at, row.rule_version) == (due - timedelta(hours=12), "2.0.0")
    event = AuditEvent.objects.filter(action="obligations.reevaluated").get()
    assert "PROC-6-3-CLASSIFY" in event.data


def test_not_required_outcomes_are_stored_with_their_reason(record):
    incident = record()
    row = incident.obligations.get(rule_id="NIS2-23-4-A-EARLY-WARNING")
    assert row.status == "not_required"
    assert "Is the organisation an essential or important entity under NIS2? No" in row.reasons[-1]


def test_incidents_share_one_snapshot_per_rule_version(record):
    from incidentdesk.obligations.models import Obligation, RuleSnapshot

    record(), record()
    assert RuleSnapshot.objects.count() == Obligation.objects.values("rule_id").distinct().count()
