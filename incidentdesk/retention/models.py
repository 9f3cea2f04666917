"""Keeping the register lawful (seed §8): legal holds that stop a deletion, and deletions that take two people.

A legal hold (a claim, a statutory obligation, an investigation: seed §8 "unless a longer retention period is
necessary") keeps an incident whatever its age until it is released or its end date passes. A deletion at the
end of the retention period is proposed by one person and confirmed by another; the proposal is a row so the
second person sees what they confirm, and both acts are audit events that keep the evidence hashes.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class LegalHold(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.TextField(help_text="Why the incident must be kept: the claim, obligation or investigation")
    until = models.DateField(null=True, blank=True,
                             help_text="Kept at least until this day; empty: until someone releases the hold")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_by_name = models.CharField(max_length=150)
    placed_at = models.DateTimeField()
    released_by_name = models.CharField(max_length=150, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    objects = scoped("incident")

    class Meta:
        ordering = ["-placed_at", "-pk"]

    def __str__(self) -> str:
        return f"Legal hold on {self.incident.reference}"

    def active_on(self, day: date) -> bool:
        """In force on ``day`` (the organisation's date): not released and not past its end date."""
        return self.released_at is None and (self.until is None or self.until >= day)


class DeletionProposal(models.Model):
    """One person's proposal to delete an incident past its retention period, waiting for a second person.

    Confirmed, it goes with the incident (the audit log keeps both acts); withdrawn, it stays as a record.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="deletion_proposals")
    reason = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    proposed_by_name = models.CharField(max_length=150)
    proposed_at = models.DateTimeField()
    evidence_sha256 = models.JSONField(default=list, help_text="The evidence hashes when it was proposed")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by_name = models.CharField(max_length=150, blank=True)

    objects = scoped("incident")

    class Meta:
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"Deletion of {self.incident.reference} proposed by {self.proposed_by_name}"

    @property
    def open(self) -> bool:
        return self.withdrawn_at is None
