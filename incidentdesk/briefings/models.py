"""Briefings and training (procedure §9: "any contractor or successor with access to AI tools ... is briefed on
this procedure before operational use").

Who has access to which tool (``ToolAccess``), who was briefed on which version of the procedure or trained on
what, when and by whom (``Briefing``), and the briefing tasks an accepted training lesson gives someone
(``BriefingTask``). People are named as they are known (a contractor need not sign in here); the same person is
recognised by e-mail address when both records have one, otherwise by name.

The procedure version is recorded as the number of the incident procedure in force in the document register
(``governance``), or the built-in seed procedure's label ("1.0") while none is in force there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from incidentdesk.inventory.models import AITool


def person_key(name: str, email: str = "") -> str:
    """How two records are known to name the same person: the e-mail address if given, else the name."""
    return (email or "").strip().casefold() or " ".join((name or "").split()).casefold()


class ToolAccess(models.Model):
    tool = models.ForeignKey(AITool, on_delete=models.CASCADE, related_name="access_grants")
    person_name = models.CharField("Person", max_length=200)
    person_email = models.EmailField("E-mail address", blank=True)
    since = models.DateField("Has access since")
    ended_on = models.DateField("Access ended on", null=True, blank=True)
    recorded_by_name = models.CharField(max_length=150)

    class Meta:
        ordering = ["tool__name", "person_name"]

    def __str__(self) -> str:
        return f"{self.person_name} → {self.tool}"

    @property
    def key(self) -> str:
        return person_key(self.person_name, self.person_email)


class BriefingKind(models.TextChoices):
    PROCEDURE = "procedure", "Briefing on the incident procedure"
    TRAINING = "training", "Training"


class BriefingTask(models.Model):
    """Someone must brief or train people because a lesson aimed at training was accepted (procedure step 6)."""

    lesson = models.OneToOneField("lessons.Lesson", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="briefing_task")
    incident_ref = models.CharField(max_length=20, blank=True)
    what = models.TextField(help_text="What people must be briefed or trained on")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="briefing_tasks")
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Briefing task: {self.what[:40]}"


class Briefing(models.Model):
    person_name = models.CharField("Person", max_length=200)
    person_email = models.EmailField("E-mail address", blank=True)
    kind = models.CharField(max_length=10, choices=BriefingKind.choices, default=BriefingKind.PROCEDURE)
    procedure_version = models.CharField(
        "Procedure version", max_length=40, blank=True,
        help_text="The version of the incident procedure the person was briefed on")
    subject = models.CharField("Trained on", max_length=300, blank=True,
                               help_text="For a training: what it covered")
    given_on = models.DateField("Given on")
    given_by = models.CharField("Given by", max_length=200)
    task = models.ForeignKey(BriefingTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="briefings")
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.get_kind_display()} on {self.given_on}"

    @property
    def key(self) -> str:
        return person_key(self.person_name, self.person_email)
