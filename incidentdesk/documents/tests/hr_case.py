"""The issue's level 3 case, taken to closed through the services: an HR screening model rejected about 120
applicants aged over 50; the organisation is a deployer in Belgium. Shared by the report and register tests.

Everything an auditor asks for is in it: a change of facts, the severity history, containment, evidence,
the GDPR recommendation and a person's decision with reasons, the authority notified with its reference, the
applicants informed (Art 34), a completed root-cause analysis with contributing factors, a corrective action
verified effective (method and result), an accepted lesson with its change-log line, and the closure.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

T0 = datetime(2026, 11, 9, 6, 52, tzinfo=UTC)  # 07:52 in Brussels (CET)
HARM = dict.fromkeys(("death", "serious_health_harm", "critical_infrastructure_disruption",
                      "fundamental_rights_breach", "serious_property_or_environment_harm",
                      "widespread_infringement", "imminent_risk_of_death_or_injury",
                      "algorithmic_discrimination", "critical_safety_incident"), False)
FACTS = {
    "published_externally": False, "caught_in_review": False, "client_data_affected": False,
    "automated_decision_without_human_review": True, "significant_incident": False, "major_ict_incident": False,
    "clients_financial_interests_affected": False, "harm": HARM,
    "personal_data": {"involved": True, "lost": ["integrity"], "data_categories": ["identity", "professional"],
                      "data_subjects": 100, "records": 120, "encrypted": False, "exfiltrated": False,
                      "recipient": "trusted", "identifiability": "maximum", "malicious": False,
                      "vulnerable_subjects": False},
}
SA_REFERENCE = "GBA-2026-0417"
WHY = "The screening model was trained on past hires, mostly under 40"
FACTORS = "No bias test before go-live; no human review of rejections"
METHOD = "Bias test on 500 past applications by age band"
RESULT = "Rejection rates within 2% across age bands"
LESSON_CHANGE = "Section 4: every screening model passes a bias test before use"
DECISION = "Profiling with legal effect on about 120 people: notify the GBA and inform each applicant"


def build(people, time_machine):
    """Record, work and close the case; returns the closed incident. Times are fixed (time_machine)."""
    from incidentdesk.breaches.communications import record_communication
    from incidentdesk.breaches.services import decide_breach
    from incidentdesk.capa import services as capa
    from incidentdesk.containment.services import contain
    from incidentdesk.evidence.services import add_evidence, open_evidence
    from incidentdesk.incidents import lifecycle
    from incidentdesk.incidents.services import classify, record_incident, update_incident
    from incidentdesk.inventory.services import save_tool
    from incidentdesk.investigation.services import save_analysis
    from incidentdesk.lessons import services as lessons
    from incidentdesk.notifications.services import record_notification

    by = people["manager"]
    time_machine.move_to(T0, tick=False)
    save_tool(by=by, name="HireScreen")
    incident = record_incident(
        title="Screening model rejected applicants aged over 50", by=by,
        description="The CV screening model rejected about 120 applicants aged over 50 without human review.",
        detected_at=T0, occurred_at=T0 - timedelta(days=20), tools=["HireScreen"],
        categories=["bias_discrimination"], affected_parties="About 120 job applicants aged over 50",
        facts=FACTS)

    def move(to: str) -> None:
        lifecycle.transition(incident=incident, to=to, by=by)

    time_machine.move_to(T0 + timedelta(minutes=30), tick=False)
    contain(incident=incident, kind="stop_operation", taken_at=T0 + timedelta(minutes=20), taken_by="HR lead",
            description="Screening switched off; CVs reviewed by people", result="effective", by=by)
    move("contained")
    evidence = add_evidence(incident=incident, stream=io.BytesIO(b"rejections by age band\n"), name="rejections.csv",
                            by=by)
    open_evidence(evidence=evidence, by=people["auditor"]).close()
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    update_incident(incident=incident, by=by, changes={"personal_data.data_subjects": 120})
    classify(incident=incident, level=3, reasoning="Automated rejections of about 120 people by age", by=by)
    move("classified")
    decide_breach(incident=incident, notify_authority=True, communicate_subjects=True, reasons=DECISION, by=by)
    time_machine.move_to(T0 + timedelta(hours=30), tick=False)
    for o in incident.obligations.filter(completed_at__isnull=True, status__in=("pending", "overdue")):
        if o.rule_id not in ("PROC-6-5-RCA", "PROC-6-3-CLASSIFY"):
            record_notification(incident=incident, recipient=o.recipient or "Belgian DPA", rule_id=o.rule_id,
                                channel="portal", sent_at=T0 + timedelta(hours=29), by=by,
                                reference=SA_REFERENCE if o.rule_id.startswith("GDPR-33") else "")
    record_communication(incident=incident, recipients="The rejected applicants aged over 50", people=118,
                         channel="email", informed_at=T0 + timedelta(hours=29, minutes=30), informed_by="DPO",
                         note="Art 34 letter, version 1", by=by)
    record_communication(incident=incident, recipients="Two applicants without an email address", people=2,
                         channel="letter", informed_at=T0 + timedelta(hours=29, minutes=45), informed_by="DPO",
                         by=by)
    move("notified")
    time_machine.move_to(T0 + timedelta(days=3), tick=False)
    move("investigating")
    save_analysis(incident=incident, by=by, complete=True, what_happened="Rejections by age without review",
                  why=WHY, what_was_done="Screening stopped, applicants reviewed by people",
                  impact="About 120 applicants", what_changes="Bias test before use; human review of rejections",
                  five_whys=["Rejected by age", "Model learnt it from past hires"], contributing_factors=FACTORS,
                  cause_categories=["policy_gap"])
    action = capa.plan(incident=incident, description="Bias test before every model release", assignee=by,
                       due_on=date(2026, 11, 27), by=by, effectiveness_method=METHOD)
    capa.implement(action=action, by=by)
    capa.verify(action=action, effective=True, result=RESULT, by=by)
    lesson = lessons.propose(incident=incident, target="policy", text="Screening models need a bias test", by=by)
    lessons.decide(lesson=lesson, accept=True, by=by, summary=LESSON_CHANGE)
    time_machine.move_to(T0 + timedelta(days=10), tick=False)
    move("resolved")
    move("closed")
    incident.refresh_from_db()
    assert incident.status == "closed", incident.status
    return incident
