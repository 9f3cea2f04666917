"""Done when (issue 14): on the demo organisation, generating the policy gives eight sections that name its
actual tools, regimes, deadlines and contacts; the procedure gives the seed's ten sections."""

import re

import pytest
import time_machine

from incidentdesk.cli import demo
from incidentdesk.governance import services
from incidentdesk.governance.diff import sections
from incidentdesk.governance.models import DocumentKind

pytestmark = pytest.mark.django_db
NOW = "2026-12-02 09:00:00+00:00"


@pytest.fixture
def demo_org():
    with time_machine.travel(NOW, tick=False):
        demo.load()
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="demo")


def test_the_policy_has_eight_sections_naming_tools_regimes_deadlines_and_contacts(demo_org):
    with time_machine.travel(NOW, tick=False):
        version = services.generate_draft(DocumentKind.INCIDENT_POLICY, by=demo_org)
    titles = [h for h in sections(version.body)]
    assert titles == ["1. Purpose and scope", "2. AI incident classification", "3. Incident detection and reporting",
                      "4. Investigation and root cause analysis", "5. Containment and rollback procedures",
                      "6. Stakeholder notification", "7. Corrective and preventive actions",
                      "8. Lessons learned and AIMS integration"]
    body = version.body
    for tool in ("ChatGPT Team", "DeepL Pro", "GitHub Copilot", "Website chatbot", "CV screening assistant"):
        assert tool in body  # its actual tools
    assert "GDPR — Regulation (EU) 2016/679" in body
    assert "EU AI Act — Regulation (EU) 2024/1689" in body
    assert "Not applicable to us on the organisation's profile" in body
    assert "NIS2" in body
    assert "72 hours" in body
    assert "14 days" in body
    assert "Belgian Data Protection Authority (GBA/APD)" in body
    assert "contact@apd-gba.be" in body
    assert "Level 3: Major" in body  # the severity file's levels
    # Every section cites the ISO/IEC 42001 clause or Annex A control it answers.
    for lines in sections(body).values():
        assert re.search(r"ISO/IEC 42001 (clause|Annex A)", "\n".join(lines))


def test_the_procedure_has_the_seeds_ten_sections(demo_org):
    with time_machine.travel(NOW, tick=False):
        version = services.generate_draft(DocumentKind.INCIDENT_PROCEDURE, by=demo_org)
    titles = list(sections(version.body))
    assert [t.split(". ", 1)[1] for t in titles] == [
        "Document control", "Purpose", "What counts as an AI incident", "Severity levels and minimum response",
        "Serious incidents under Article 73 EU AI Act", "Response workflow", "Contacts and escalation",
        "Incident register", "Training and preparedness", "References"]
    assert "High-risk AI systems in our inventory: CV screening assistant" in version.body
    assert "(section 6 'Response workflow', step 3 'Classify')" in version.body  # read for people, not "Seed §6"


def test_a_new_high_risk_tool_or_authority_contact_proposes_a_new_draft_with_the_change_marked(demo_org):
    from datetime import date

    from incidentdesk.contacts.services import save_contact
    from incidentdesk.inventory.services import save_tool

    doc = services.document(DocumentKind.INCIDENT_POLICY)
    assert services.proposed_changes(doc) == []
    with time_machine.travel(NOW, tick=False):
        save_tool(by=demo_org, name="Credit scoring model", provider="Acme", risk_class="high_risk_annex_iii")
        save_contact(by=demo_org, kind="ai_act_authority", name="BIPT", last_verified_on=date(2026, 11, 1))
    proposed = services.proposed_changes(doc)
    assert "New high-risk AI tool: Credit scoring model" in proposed
    assert "New authority contact: AI Act market surveillance authority: BIPT" in proposed
    with time_machine.travel(NOW, tick=False):
        draft = services.generate_draft(DocumentKind.INCIDENT_POLICY, by=demo_org)
    assert draft.number == 2
    assert "New high-risk AI tool: Credit scoring model" in draft.change_notes
    assert "Credit scoring model" in draft.body
    assert services.proposed_changes(doc) == []  # the draft answers the proposal
