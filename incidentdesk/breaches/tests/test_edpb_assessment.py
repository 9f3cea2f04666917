"""The stored breach assessment carries the EDPB outcome, its factors and its provisional state; the ENISA score
stays beside it as an input; a person's decision still wins over the recommendation (issue 11, error 5)."""

import json

from incidentdesk.audit.models import AuditEvent
from incidentdesk.breaches.models import BreachAssessment
from incidentdesk.breaches.services import decide_breach
from incidentdesk.incidents.services import update_incident

#: EDPB Guidelines 01/2021 case 13: two parcels swapped, invoices enclosed; no risk.
MISPOSTAL = {"published_externally": False,
             "personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["contact"],
                               "recipient": "trusted", "recipient_deleted": False, "consequences": "negligible",
                               "consequences_lasting": False, "exfiltrated": False, "malicious": False,
                               "encrypted": False, "data_subjects": 2}}


def test_the_outcome_and_its_factors_are_stored_and_audited(record):
    incident = record(facts=MISPOSTAL)
    row = BreachAssessment.objects.get(incident=incident)
    assert (row.outcome, row.provisional, row.best_case) == ("no_risk", False, "")
    assert (row.recommend_notify_authority, row.recommend_communicate_subjects) == (False, False)
    assert {f["key"] for f in row.factors} >= {"type_of_breach", "number", "likelihood", "consequences"}
    assert all(f["citation"] for f in row.factors)
    assert row.score is not None
    assert row.enisa_reasons[0].startswith("ENISA severity")
    event = AuditEvent.objects.filter(action="breach.recommendation", incident_ref=incident.reference).last()
    assert json.loads(event.data)["after"]["outcome"] == "no_risk"


def test_new_facts_move_the_outcome_and_the_recommendation(record, manager):
    incident = record(facts=MISPOSTAL)
    update_incident(incident=incident, by=manager, changes={"personal_data.data_categories": ["contact", "health"],
                                                          "personal_data.recipient": "untrusted"})
    row = BreachAssessment.objects.get(incident=incident)
    assert row.outcome == "high_risk"
    assert (row.recommend_notify_authority, row.recommend_communicate_subjects) == (True, True)
    event = AuditEvent.objects.filter(action="breach.recommendation", incident_ref=incident.reference).last()
    data = json.loads(event.data)
    assert (data["before"]["outcome"], data["after"]["outcome"]) == ("no_risk", "high_risk")


def test_missing_facts_store_the_worst_case_as_provisional(record):
    incident = record(facts={"published_externally": False,
                             "personal_data": {"involved": True, "lost": ["confidentiality"]}})
    row = BreachAssessment.objects.get(incident=incident)
    assert (row.outcome, row.provisional, row.best_case) == ("high_risk", True, "no_risk")
    assert any(line.startswith("Still to establish: ") for line in row.reasons)


def test_the_person_s_decision_wins_over_the_recommendation(record, manager):
    incident = record(facts=MISPOSTAL)
    decide_breach(incident=incident, notify_authority=True, communicate_subjects=False,
                  reasons="Our DPO notifies every misdirected invoice", by=manager)
    sa = incident.obligations.get(rule_id="GDPR-33-1-SA")
    assert sa.status != "not_required"
    assert any("Required by a person's decision (recommendation was not required)" in r for r in sa.reasons)
    row = BreachAssessment.objects.get(incident=incident)
    assert row.recommend_notify_authority is False
    assert row.decided_notify_authority is True


def test_the_api_gives_the_outcome_factors_and_the_enisa_input(client, people, record):
    from incidentdesk.accounts.tokens import create_token

    incident = record(facts=MISPOSTAL)
    _, token = create_token(user=people["viewer"], name="t", scopes=["read"], by=people["viewer"])
    body = client.get(f"/api/incidents/{incident.reference}/gdpr-decision",
                      headers={"Authorization": f"Bearer {token}"}).json()
    assert (body["outcome"], body["provisional"], body["best_case"]) == ("no_risk", False, "")
    assert {"key", "label", "finding", "effect", "citation"} <= set(body["factors"][0])
    assert body["score"] is not None
    assert body["enisa_reasons"]


def test_the_workspace_shows_the_outcome_the_factors_and_the_enisa_score_as_an_input(as_person, record):
    incident = record(facts=MISPOSTAL)
    page = as_person("viewer").get(f"/incidents/{incident.reference}/").content.decode()
    assert "No risk likely: document only (Art 33(5))" in page
    assert "The factors the EDPB weighs" in page
    assert "EDPB Guidelines 01/2021 case 09" in page
    assert "ENISA severity score (internal, one input among others)" in page
