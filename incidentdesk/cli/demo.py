"""Demo data: the seed procedure's examples and well-known public AI incidents, rewritten as entries.

The public incidents are summarised from widely reported cases (named in each description); the
level 4 tabletop scenario is an exercise (issue 15), started from the scenario library. Times are relative
to now, so the clocks run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from incidentdesk.accounts.models import Role
from incidentdesk.accounts.services import add_person
from incidentdesk.breaches import services as breaches
from incidentdesk.contacts.services import save_contact
from incidentdesk.containment.services import contain
from incidentdesk.governance import demo as governance_demo
from incidentdesk.incidents import lifecycle
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.access import restrict
from incidentdesk.incidents.models import Incident, Status
from incidentdesk.inventory.models import AITool
from incidentdesk.inventory.services import save_tool
from incidentdesk.investigation.services import save_analysis
from incidentdesk.lessons import services as lessons
from incidentdesk.linking.services import add_tag
from incidentdesk.organisation.models import Organisation
from incidentdesk.organisation.services import save_profile
from incidentdesk.preparedness import services as exercises

USERNAME, PASSWORD = "demo", "demo-incidentdesk"
CONTACTS = [
    dict(kind="supervisory_authority", name="Belgian Data Protection Authority (GBA/APD)",
         email="contact@apd-gba.be", phone="+32 2 274 48 00",
         how_to_reach="Breach notification form on the authority's website", last_verified_on=date(2026, 9, 1)),
    dict(kind="tool_provider", name="OpenAI trust and safety", organisation="OpenAI",
         how_to_reach="Trust portal; enterprise support", last_verified_on=date(2025, 6, 1)),
    dict(kind="legal", name="External privacy counsel", organisation="Demo Law BV", email="counsel@example.org",
         last_verified_on=date(2026, 3, 15)),
    dict(kind="management", name="Founder", email="founder@demo.example", escalation_order=1,
         last_verified_on=date(2026, 11, 1), private=True),
    dict(kind="privacy", name="Data protection officer", email="dpo@demo.example", escalation_order=1,
         last_verified_on=date(2026, 11, 1)),
    dict(kind="privacy", name="Deputy data protection officer", email="dpo-deputy@demo.example",
         escalation_order=2, last_verified_on=date(2026, 11, 1)),
    dict(kind="it_security", name="IT security desk", email="security@demo.example", escalation_order=1,
         last_verified_on=date(2026, 11, 1)),
]
#: One login per role, all with the demo password, so a visitor can see what each role sees.
PEOPLE = [("manager", Role.INCIDENT_MANAGER), ("responder", Role.RESPONDER), ("viewer", Role.VIEWER),
          ("auditor", Role.AUDITOR), ("reporter", Role.REPORTER)]

TOOLS = [
    dict(name="ChatGPT Team", provider="OpenAI", version="GPT-5", purpose="Drafting texts and summaries",
         risk_class="gpai", data_classes_allowed=["public", "internal"], owner="Founder",
         provider_incident_contact="OpenAI trust portal"),
    dict(name="DeepL Pro", provider="DeepL SE", purpose="Translation of client material", risk_class="minimal",
         data_classes_allowed=["public", "internal", "confidential"], owner="Founder",
         provider_incident_contact="support@deepl.com"),
    dict(name="GitHub Copilot", provider="GitHub", purpose="Code completion for the training platform",
         risk_class="minimal", data_classes_allowed=["internal"], owner="Founder"),
    dict(name="Website chatbot", provider="In-house (on a GPAI model)", purpose="Answers visitors' questions",
         risk_class="limited", data_classes_allowed=["public"], owner="Founder"),
    dict(name="CV screening assistant", provider="In-house", version="1.2",
         purpose="Ranks applications for the learning platform's job board", risk_class="high_risk",
         data_classes_allowed=["personal"], owner="Founder"),
]


def _incidents(now) -> list[dict[str, Any]]:
    def ago(**kw):
        return now - timedelta(**kw)

    return [
        dict(title="Factual error in an AI-drafted internal memo, caught in review",
             description="ChatGPT drafted a memo citing a wrong GDPR article number. Caught during review before "
                         "sending. (The incident procedure's level 1 example.)",
             detected_at=ago(days=40), tools=["ChatGPT Team"], categories=["misinformation_hallucination"],
             facts={"published_externally": False, "caught_in_review": True, "personal_data": {"involved": False},
                    "automated_decision_without_human_review": False, "client_data_affected": False}),
        dict(title="Blog post published with an AI-invented statistic",
             description="A blog post drafted with ChatGPT stated an adoption figure that no source supports. "
                         "Found by a reader after publication. (The incident procedure's level 2 example.)",
             detected_at=ago(hours=30), tools=["ChatGPT Team"], categories=["misinformation_hallucination"],
             detection_source="third_party_report",
             facts={"published_externally": True, "personal_data": {"involved": False}}),
        dict(title="Contractor used an unapproved transcription tool",
             description="A freelance designer working for us transcribed a client call with an AI note-taker that "
                         "is not in our AI tool inventory. (The incident procedure's level 2 example.)",
             detected_at=ago(days=3), tools=["Otter.ai"], categories=["use_outside_inventory"],
             detection_source="own_observation",
             facts={"published_externally": False, "personal_data": {"involved": None}, "client_data_affected": True}),
        dict(title="Client personal data pasted into ChatGPT",
             description="A learner's name, e-mail and health information from a support ticket were pasted into "
                         "ChatGPT to draft a reply. (The incident procedure's level 3 example.)",
             detected_at=ago(hours=20), tools=["ChatGPT Team"], categories=["privacy", "data_issue_leakage"],
             data_classes=["contact", "health"], affected_parties="One learner",
             facts={"published_externally": False, "client_data_affected": True,
                    "personal_data": {"involved": True, "lost": ["confidentiality"],
                                      "data_categories": ["contact", "health"], "data_subjects": 1, "records": 1,
                                      "encrypted": False, "exfiltrated": False, "recipient": "trusted",
                                      "identifiability": "maximum", "malicious": False,
                                      "vulnerable_subjects": False}}),
        dict(title="Applicant rejected automatically without human review",
             description="The CV screening assistant's ranking was used to reject an applicant without the "
                         "required human review. (The incident procedure's level 3 example.)",
             detected_at=ago(days=6), tools=["CV screening assistant"], categories=["model_failure"],
             facts={"automated_decision_without_human_review": True, "personal_data": {"involved": True, "lost": []}}),
        dict(title="Website chatbot invented a refund policy (cf. Moffatt v. Air Canada, 2024)",
             description="Rewritten from the public case: an airline's chatbot told a customer he could claim a "
                         "bereavement fare refund after travel, contrary to policy; a tribunal held the airline "
                         "liable for its chatbot's statement.",
             detected_at=ago(days=12), tools=["Website chatbot"], categories=["misinformation_hallucination"],
             detection_source="client_report",
             facts={"published_externally": True, "personal_data": {"involved": False}}),
        dict(title="Fabricated case law in a filing drafted with AI (cf. Mata v. Avianca, 2023)",
             description="Rewritten from the public case: lawyers filed a brief citing court decisions that ChatGPT "
                         "had invented; the court sanctioned them.",
             detected_at=ago(days=25), tools=["ChatGPT Team"], categories=["misinformation_hallucination"],
             facts={"published_externally": True, "personal_data": {"involved": False}}),
        dict(title="Source code pasted into a public chatbot (cf. Samsung, 2023)",
             description="Rewritten from the public case: engineers pasted confidential source code and meeting "
                         "notes into a public chatbot; the company then restricted generative AI use.",
             detected_at=ago(days=60), tools=["Public chatbot (personal account)"],
             categories=["data_issue_leakage", "use_outside_inventory"],
             facts={"published_externally": False, "personal_data": {"involved": False}}),
        dict(title="Chat history and payment details exposed to other users (cf. ChatGPT outage, March 2023)",
             description="Rewritten from the public case: a caching bug showed some users other users' chat titles "
                         "and, for a small share of subscribers, partial payment details.",
             detected_at=ago(hours=50), tools=["ChatGPT Team"], categories=["privacy", "security"],
             data_classes=["contact", "payment"],
             facts={"published_externally": False,
                    "personal_data": {"involved": True, "lost": ["confidentiality"],
                                      "data_categories": ["contact", "payment"], "data_subjects": 1200,
                                      "encrypted": False, "exfiltrated": False, "recipient": "untrusted",
                                      "identifiability": "maximum", "malicious": False}}),
        dict(title="Prompt injection made the chatbot 'agree' to sell a car for $1 (cf. Chevrolet dealer, 2023)",
             description="Rewritten from the public case: visitors instructed a dealership's chatbot to agree to "
                         "anything; screenshots of a '$1, legally binding' offer spread online.",
             detected_at=ago(days=9), tools=["Website chatbot"], categories=["adversarial_attack"],
             facts={"published_externally": True, "personal_data": {"involved": False}}),
        dict(title="Screening model downgraded CVs mentioning women's organisations (cf. Amazon, 2018)",
             description="Rewritten from the public case: a recruiting model trained on past hires penalised CVs "
                         "containing the word 'women's'; it was abandoned.",
             detected_at=ago(days=15), tools=["CV screening assistant"], categories=["bias_discrimination"],
             facts={"harm": {"algorithmic_discrimination": True, "fundamental_rights_breach": None},
                    "personal_data": {"involved": True, "lost": []}}),
    ]


def load() -> tuple[int, str, str]:
    """Create the demo organisation, tools, incidents and login; do nothing if already loaded."""
    user_model = get_user_model()
    if not user_model.objects.filter(username=USERNAME).exists():
        user_model.objects.create_superuser(USERNAME, "demo@example.org", PASSWORD)
    for username, role in PEOPLE:
        if not user_model.objects.filter(username=username).exists():
            add_person(username=username, password=PASSWORD, role=role, by=None, email=f"{username}@example.org")
    if Incident.objects.exists():
        return 0, USERNAME, PASSWORD
    user = user_model.objects.get(username=USERNAME)
    now = timezone.now()
    with transaction.atomic():
        if not Organisation.objects.exists():
            save_profile(by=user, name="Demo AI Consultancy BV", country="BE", time_zone="Europe/Brussels",
                         supervisory_authority="Belgian DPA (GBA/APD), contact@apd-gba.be, +32 2 274 48 00",
                         ai_act_authority="BIPT (presumed market surveillance authority, pending Belgian law)",
                         ai_act_role="both", gdpr_role="controller",
                         contact_point="Founder (contact point for data protection), privacy@demo.example")
        for contact in CONTACTS:
            save_contact(by=user, **contact)
        for tool in TOOLS:
            if not AITool.objects.filter(name=tool["name"]).exists():
                save_tool(by=user, **tool)
        governance_demo.seed(by=user)  # the policy and procedure in force before the first incident is recorded
        entries = _incidents(now)
        for entry in entries:
            incidents.record_incident(by=user, now=now, **entry)
        exercises.start(scenario="level4-art73", by=user, now=now)  # the yearly tabletop, as an exercise
    manager = user_model.objects.get(username="manager")
    for title, stage in STAGES.items():
        _advance(Incident.objects.get(title__startswith=title), stage, user)
    hr = Incident.objects.filter(tools__name="CV screening assistant").order_by("detected_at").first()
    if hr is not None:
        restrict(incident=hr, restricted=True, people=[manager], by=user)
    _owners_and_tags(manager, user)
    _people_at_work(user)
    return len(entries), USERNAME, PASSWORD


@dataclass(frozen=True)
class Stage:
    """How far the team got with one demo incident: what was done, when (hours after detection), and where it
    now stands. Every step goes through the same services a person's click does, so the demo's history,
    clocks and audit log are those of a register in use, not rows written by hand."""

    contain: tuple[str, str, float] | None = None  # kind, what was done, hours after detection
    level: int | None = None
    reasoning: str = ""
    classified_after: float = 4
    gdpr: str = ""  # the reasons for deciding that no GDPR notification is needed
    rca: dict[str, Any] | None = None
    lesson: tuple[str, str] | None = None  # target, text (accepted)
    status: str = "detected"


_RCA_MEMO = {"what_happened": "An AI-drafted text cited invented facts.",
             "why": "Nobody checked the AI's claims against a source before use.",
             "what_was_done": "Corrected or withdrew the text; told the people who relied on it.",
             "impact": "Reputational; no personal data.", "what_changes": "Every AI-drafted external text cites "
             "a checked source; review checklist updated.", "cause_categories": ["policy_gap", "tool_failure"]}

#: The demo's incidents at believable stages: two closed, some contained or classified, one investigated, the
#: newest still fresh. One clock is overdue (the outage's GDPR assessment), as in a register in use. The
#: tabletop scenario is left as recorded (the exercise is run from it).
STAGES: dict[str, Stage] = {
    "Factual error in an AI-drafted internal memo": Stage(
        contain=("correct_content", "Corrected the memo before it was sent", 0.7), level=1,
        reasoning="Caught in review, never left the company.", status="closed"),
    "Fabricated case law in a filing": Stage(
        contain=("correct_content", "Withdrew the filing and filed a corrected brief", 20), level=2,
        reasoning="Published to a court, no personal data: level 2.", rca=_RCA_MEMO,
        lesson=("procedure", "Every citation in an AI-drafted filing is checked against the source."), status="closed"),
    "Source code pasted into a public chatbot": Stage(
        contain=("revoke_access", "Blocked public chatbots on company devices", 6), level=2,
        reasoning="Confidential code left the company; no personal data.", rca=_RCA_MEMO | {
            "impact": "Confidential source code disclosed to a provider.", "cause_categories": ["policy_gap"]},
        status="investigating"),
    "Website chatbot invented a refund policy": Stage(
        contain=("correct_content", "Took the chatbot's refund answers down and honoured the refund", 5), level=2,
        reasoning="A published, wrong statement the company is liable for.", status="classified"),
    "Prompt injection made the chatbot": Stage(
        contain=("correct_content", "Withdrew the '$1' answer publicly and turned off free-text offers", 3), level=2,
        reasoning="Published, no personal data, no contract formed.", status="classified"),
    "Blog post published with an AI-invented statistic": Stage(
        contain=("correct_content", "Corrected the blog post and added a note", 2), level=2,
        reasoning="Published externally, no personal data: level 2.", status="classified"),
    "Chat history and payment details exposed": Stage(
        contain=("isolate_system", "Took the chat history feature offline", 1), level=3,
        reasoning="Payment details of many subscribers shown to others.", status="contained"),
    "Contractor used an unapproved transcription tool": Stage(
        contain=("revoke_access", "Asked the contractor to delete the recording and stop using the tool", 5),
        level=3, reasoning="A client's call recorded by an unapproved tool.", status="classified",
        gdpr="The contractor deleted the recording within hours and confirmed it in writing; the provider keeps "
             "no copy under its terms. Unlikely to result in a risk to the people on the call (Art 33(1))."),
    "Applicant rejected automatically without human review": Stage(
        contain=("stop_operation", "Suspended automatic rejections; a person reviews every application", 8),
        level=3, reasoning="A decision about a person without the required human review.", status="classified",
        gdpr="No loss of confidentiality, integrity or availability of personal data: not a personal data "
             "breach. The applicant's file is reviewed again by a person."),
    "Screening model downgraded CVs": Stage(
        contain=("rollback_model", "Stopped using the model's ranking for any decision", 24), level=3,
        reasoning="Discrimination risk in a high-risk system; no data lost.", status="investigating",
        gdpr="No personal data breach: the data was not lost or disclosed.", rca=_RCA_MEMO | {
            "what_happened": "The ranking model penalised CVs mentioning women's organisations.",
            "why": "Trained on past hires without a bias test.", "impact": "Possible discrimination of applicants.",
            "what_changes": "A bias test before every model release.", "cause_categories": ["data_issue"]}),
}


def _advance(incident: Incident, stage: Stage, user: Any) -> None:
    """Walk one incident to its stage through the services, at believable times after its detection."""
    def after(hours: float):
        return incident.detected_at + timedelta(hours=hours)

    if stage.contain:
        kind, description, hours = stage.contain
        contain(incident=incident, kind=kind, description=description, taken_at=after(hours), taken_by="Founder",
                result="effective", by=user)
    if stage.level:
        incidents.classify(incident=incident, level=stage.level, by=user, reasoning=stage.reasoning,
                           now=after(stage.classified_after))
    if stage.gdpr:
        breaches.decide_breach(incident=incident, notify_authority=False, communicate_subjects=False,
                               reasons=stage.gdpr, by=user)
    if stage.rca:
        save_analysis(incident=incident, by=user, complete=True, now=after(24 * 6), **stage.rca)
    if stage.lesson:
        lesson = lessons.propose(incident=incident, target=stage.lesson[0], text=stage.lesson[1], by=user)
        lessons.decide(lesson=lesson, accept=True, by=user)
    order = [status for status in lifecycle.ORDER if status != Status.NOTIFIED]  # nothing had to be notified
    for status in order[1:order.index(stage.status) + 1]:
        lifecycle.transition(incident=incident, to=status, by=user)


def _people_at_work(admin) -> None:
    """Issue 13: the incident manager owns the three latest incidents, and the responder has the first clock of
    each to meet, so "My work" shows something for both."""
    from incidentdesk.obligations.services import assign

    manager, responder = (get_user_model().objects.get(username=name) for name in ("manager", "responder"))
    for incident in Incident.objects.visible_to(manager).exclude(status="closed").order_by("-detected_at")[:3]:
        if incident.owner_id != manager.pk:
            incidents.set_owner(incident=incident, owner=manager, by=admin)
        clock = incident.obligations.filter(status="pending").order_by("due_at").first()
        if clock is not None and Incident.objects.visible_to(responder).filter(pk=incident.pk).exists():
            assign(obligation=clock, assignee=responder, by=manager)


def _owners_and_tags(manager: Any, user: Any) -> None:
    """An owner on the incidents in hand, and a few tags, so the register's owner column and views mean
    something on first sight."""
    for incident in Incident.objects.exclude(status__in=(Status.DETECTED, Status.CLOSED)).exclude(owner=manager):
        incidents.set_owner(incident=incident, owner=manager, by=user)
    for title, tag in (("Website chatbot", "chatbot"), ("Prompt injection", "chatbot"),
                       ("Prompt injection", "security")):
        incident = Incident.objects.get(title__startswith=title)
        add_tag(incident=incident, name=tag, by=user)
