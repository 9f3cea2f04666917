"""The organisation profile's "procedure last reviewed on" becomes a completed review of the procedure.

The date is then derived from the reviews (``reviews/last.py``) and the profile's field is removed by
``organisation 0008``, which runs after this one (and, reversed, puts the last review's day back): one truth,
nothing lost.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import migrations

PROCEDURE = "incident_procedure"
# The same legal basis the governance register gives the procedure when it creates it (governance/services.py).
LEGAL_BASIS = ("GDPR Articles 33 and 34; EU AI Act Article 73 insofar as we provide or deploy a high-risk AI "
               "system")
OUTCOME = ("Recorded on the organisation profile as the last review of the incident procedure, before reviews "
           "were tasks; no change recorded")


def forwards(apps, schema_editor):
    organisation = (apps.get_model("organisation", "Organisation").objects.filter(pk=1)
                    .only("pk", "time_zone", "procedure_reviewed_on").first())
    if organisation is None or organisation.procedure_reviewed_on is None:
        return
    document_model = apps.get_model("governance", "Document")
    document = document_model.objects.filter(kind=PROCEDURE).first() or document_model.objects.create(
        kind=PROCEDURE, legal_basis=LEGAL_BASIS)
    at = datetime.combine(organisation.procedure_reviewed_on, time(12), tzinfo=ZoneInfo(organisation.time_zone))
    apps.get_model("reviews", "DocumentReview").objects.get_or_create(
        document=document, reason="annual", due_on=organisation.procedure_reviewed_on,
        defaults={"status": "no_change", "opened_at": at, "completed_at": at, "outcome": OUTCOME})


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_review_cycle"),
        ("organisation", "0007_organisation_mdr_and_cra_manufacturer"),
        ("governance", "0001_documents_under_control"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
