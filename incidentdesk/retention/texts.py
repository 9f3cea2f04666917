"""Where an incident's free text lives: the fields a redaction rewrites and a subject-access search reads.

One list, so redaction and search never disagree about what "the incident's texts" are. Each entry names the
model (by app label, so this module imports no other app's models), the way from the incident to its rows,
and the free-text fields with the label people know them by.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class TextSource:
    model: str                        # "app_label.ModelName"
    incident_path: str                # from the row to its incident ("" for the incident itself)
    fields: tuple[tuple[str, str], ...]  # (field name, label)
    kind: str                         # what the row is, in words

    def rows(self, incident: models.Model) -> models.QuerySet:
        model = apps.get_model(self.model)
        if not self.incident_path:
            return model.objects.filter(pk=incident.pk)
        return model.objects.filter(**{self.incident_path: incident}).order_by("pk")


SOURCES: tuple[TextSource, ...] = (
    TextSource("incidents.Incident", "", (("title", "Title"), ("description", "What happened"),
                                         ("affected_parties", "Affected parties"),
                                         ("severity_reasoning", "Severity reasoning")), "Incident"),
    TextSource("containment.ContainmentAction", "incident", (("description", "What was done"),
                                                            ("taken_by", "Who did it")), "Containment action"),
    TextSource("investigation.RootCauseAnalysis", "incident", (
        ("what_happened", "What happened"), ("why", "Why it happened"), ("what_was_done", "What was done"),
        ("impact", "Impact"), ("what_changes", "What changes"), ("contributing_factors", "Contributing factors"),
        ("systemic_cause", "Systemic cause")), "Root-cause analysis"),
    TextSource("capa.CorrectiveAction", "incident", (("description", "Action"),
                                                    ("effectiveness_result", "Result of the check")),
               "Corrective action"),
    TextSource("lessons.Lesson", "incident", (("text", "Lesson"), ("decision_reason", "Decision reason")), "Lesson"),
    TextSource("breaches.SubjectCommunication", "incident", (("recipients", "Who was informed"),
                                                            ("note", "What they were told")),
               "People informed"),
    TextSource("comments.Comment", "incident", (("body", "Comment"),), "Comment"),
    TextSource("intake.TriageItem", "incident", (("details", "Report"),), "Triage report"),
    TextSource("evidence.Evidence", "incident", (("description", "Description"),), "Evidence"),
    TextSource("linking.IncidentLink", "source", (("note", "Note"),), "Link to another incident"),
    TextSource("routing.Notice", "incident", (("ack_note", "Acknowledgement note"),), "Internal notice"),
)
# Not here on purpose: notifications.Notification (recipient, summary) and drafts. They are the record of what
# was sent to an authority; rewriting them would make the register disagree with what the authority holds.


def texts_of(incident: models.Model) -> Iterator[tuple[TextSource, models.Model, str, str, str]]:
    """Every free text of the incident: (source, row, field, label, text), non-empty ones only."""
    for source in SOURCES:
        for row in source.rows(incident):
            for field, label in source.fields:
                text = getattr(row, field) or ""
                if text:
                    yield source, row, field, label, text
