"""The manufacturer roles live on the organisation profile and reach the facts; every new fact is in the vocabulary."""

import json
import tomllib
from pathlib import Path

from incidentdesk.assessment.facts import IncidentFacts, MedicalDeviceFacts, OrganisationFacts, ProductSecurityFacts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.organisation.forms import ProfileForm
from incidentdesk.organisation.models import Organisation
from incidentdesk.organisation.services import save_profile

VOCABULARY = Path(__file__).parents[1] / "vocabulary" / "regimes.toml"
NEW_FACTS = (["medical_device", "product_security", "organisation.mdr_manufacturer", "organisation.cra_manufacturer", "corrective_measure_available_at"]
             + [f"medical_device.{name}" for name in MedicalDeviceFacts.model_fields]
             + [f"product_security.{name}" for name in ProductSecurityFacts.model_fields])
REGIME_RULES = ("MDR-", "CRA-")


def test_a_new_profile_manufactures_neither_so_no_incident_gets_a_may_apply_clock(record):
    facts = Organisation.current().as_facts()
    assert (facts["mdr_manufacturer"], facts["cra_manufacturer"]) == (False, False)
    incident = record(facts={"harm": {"death": True}, "personal_data": {"involved": False}})
    stored = [o for o in incident.obligations.all() if o.rule_id.startswith(REGIME_RULES)]
    assert len(stored) == 10
    assert {o.status for o in stored} == {"not_required"}


def test_setting_a_manufacturer_role_is_audited_and_reaches_the_facts(organisation, manager):
    save_profile(by=manager, mdr_manufacturer=True, cra_manufacturer=True)
    facts = OrganisationFacts.model_validate(Organisation.current().as_facts())
    assert (facts.mdr_manufacturer, facts.cra_manufacturer) == (True, True)
    event = AuditEvent.objects.filter(object_type="organisation").order_by("-seq").first()
    change = json.loads(event.data)
    assert change["before"]["mdr_manufacturer"] is False
    assert change["after"]["cra_manufacturer"] is True


def test_the_profile_form_asks_both_roles_in_plain_words():
    form = ProfileForm()
    assert form.fields["mdr_manufacturer"].label == "We manufacture a medical device"
    assert "MDR Art 87" in form.fields["mdr_manufacturer"].why  # the vocabulary's "why we ask" line
    assert form.fields["cra_manufacturer"].label == "We manufacture products with digital elements"


def test_every_new_fact_has_a_label_help_and_why_and_exists_in_the_schema():
    vocabulary = tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))
    assert sorted(vocabulary) == sorted(NEW_FACTS)
    for path, entry in vocabulary.items():
        assert set(entry) == {"label", "help", "why"}, path
        assert all(entry[key].strip() for key in entry), path
        head, _, rest = path.partition(".")
        model = IncidentFacts.model_fields[head].annotation
        assert not rest or rest in model.model_fields, path
