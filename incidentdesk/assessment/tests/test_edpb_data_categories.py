"""One answer for data categories (issue 12): the register's "data classes" are the facts' personal data
categories, so filling them in feeds the GDPR assessment; there is no second field."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import table_counts
from incidentdesk.breaches.models import BreachAssessment
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.services import IncidentRefused, update_incident


def test_the_register_has_no_second_field_for_data_classes():
    with pytest.raises(FieldDoesNotExist):
        Incident._meta.get_field("data_classes")


def test_data_classes_given_when_recording_become_the_assessed_categories(record):
    """Before: data classes ["health"] left the GDPR assessment saying the categories were unknown."""
    incident = record(data_classes=["Email", "health", "shoe size"],
                      facts={"published_externally": False, "personal_data": {"involved": True,
                                                                               "lost": ["confidentiality"]}})
    data = incident.facts["personal_data"]
    assert data["data_categories"] == ["contact", "health"]
    assert data["other_data_categories"] == ["shoe size"]
    assert incident.data_classes == ["contact", "health", "shoe size"]
    assert incident.data_class_labels == ["Contact details (email, phone, address)", "Health data", "shoe size"]
    breach = BreachAssessment.objects.get(incident=incident)
    assert "personal_data.data_categories" not in breach.unknown
    assert any("health data" in f["finding"] for f in breach.factors)


def test_changing_data_classes_replaces_the_categories(record, manager):
    incident = record(data_classes=["contact"], facts={"personal_data": {"involved": True}})
    update_incident(incident=incident, by=manager, changes={"data_classes": ["bank account"]})
    incident.refresh_from_db()
    assert incident.facts["personal_data"]["data_categories"] == ["bank"]
    assert incident.facts["personal_data"]["other_data_categories"] == []


def test_data_classes_that_are_not_a_list_of_words_are_refused_and_nothing_is_stored(record, manager):
    incident = record(data_classes=["contact"], facts={"personal_data": {"involved": True}})
    before = table_counts()
    with pytest.raises(IncidentRefused, match="data_classes: give a list of kinds of personal data"):
        update_incident(incident=incident, by=manager, changes={"data_classes": "contact, health"})
    incident.refresh_from_db()
    assert incident.facts["personal_data"]["data_categories"] == ["contact"]
    assert table_counts() == before


def test_the_edit_form_has_one_field_for_the_categories(as_person, record):
    incident = record(data_classes=["health"], facts={"personal_data": {"involved": True}})
    client = as_person("responder")
    form = client.get(f"/incidents/{incident.reference}/edit/").context["form"]
    assert "data_classes" not in form.fields
    assert form.initial["personal_data__data_categories"] == ["health"]
    page = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert "Categories of personal data" in page
    assert "Health data" in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_known_words_and_keeps_the_others():
    executor = MigrationExecutor(connection)
    executor.migrate([("incidents", "0008_deleted_incident")])
    old = executor.loader.project_state([("incidents", "0008_deleted_incident")]).apps
    Old = old.get_model("incidents", "Incident")
    row = Old.objects.create(reference="INC-2026-901", year=2026, number=901, title="t", description="d",
                             detected_at="2026-11-20T09:00:00Z", data_classes=["E-mail", "Medical", "public", "health"],
                             facts={"personal_data": {"involved": True, "data_categories": ["contact"]}})
    untouched = Old.objects.create(reference="INC-2026-902", year=2026, number=902, title="t", description="d",
                                   detected_at="2026-11-20T09:00:00Z", data_classes=[], facts={"harm": {}})
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = Incident.objects.get(pk=row.pk)
    assert migrated.facts["personal_data"] == {"involved": True, "data_categories": ["contact", "health"],
                                               "other_data_categories": ["public"]}
    assert Incident.objects.get(pk=untouched.pk).facts == {"harm": {}}
