"""Governance documents under control (issue 14; seed procedure §1 "Document control").

A Document is one of the four documents the procedure seed links together (the AI incident management
policy, the AI incident procedure, the AI usage policy and the AI tool inventory). Its text lives in
numbered DocumentVersions that move draft → in review → approved → in force → superseded. Versions are
never edited after approval and never deleted while an incident handled under them is retained (the
incident's ``procedure_version`` PROTECTs it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from incidentdesk.accounts.models import Role


class DocumentKind(models.TextChoices):
    INCIDENT_POLICY = "incident_policy", "AI Incident Management Policy"
    INCIDENT_PROCEDURE = "incident_procedure", "AI Incident Procedure"
    USAGE_POLICY = "usage_policy", "AI Usage Policy"
    TOOL_INVENTORY = "tool_inventory", "AI Tool Inventory"


KIND_HELP: dict[str, str] = {
    DocumentKind.INCIDENT_POLICY: "What the organisation commits to when an AI system fails or harms: the eight "
                                  "sections an ISO/IEC 42001 auditor looks for",
    DocumentKind.INCIDENT_PROCEDURE: "How an incident is handled step by step: levels, clocks, contacts, register",
    DocumentKind.USAGE_POLICY: "How the organisation uses AI tools; an incident is a breach of it or harm from it",
    DocumentKind.TOOL_INVENTORY: "The AI tools in use, written out from the inventory as it stands",
}


class ApproverRole(models.TextChoices):
    """Who may approve a version: an administrator always; an incident manager where the document says so."""

    ADMINISTRATOR = Role.ADMINISTRATOR.value, "Administrator"
    INCIDENT_MANAGER = Role.INCIDENT_MANAGER.value, "Incident manager (or an administrator)"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"


STATUS_HELP: dict[str, str] = {
    VersionStatus.DRAFT: "Being written; can still be changed",
    VersionStatus.IN_REVIEW: "Sent for approval; no longer changed unless sent back to draft",
    VersionStatus.APPROVED: "Approved; comes into force on its effective date and is never changed again",
    VersionStatus.IN_FORCE: "The version that applies now",
    VersionStatus.SUPERSEDED: "Replaced by a later version; kept readable for incidents handled under it",
}

OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
FROZEN_STATUSES = (VersionStatus.APPROVED, VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED)


class Document(models.Model):
    """One controlled document: the fixed part of seed §1's table (owner, links, legal basis, review date)."""

    kind = models.CharField(max_length=24, choices=DocumentKind.choices, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_documents", help_text="The person who keeps this document")
    approver_role = models.CharField(max_length=20, choices=ApproverRole.choices,
                                     default=ApproverRole.ADMINISTRATOR,
                                     help_text="Who may approve a new version")
    linked = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="linked_from",
                                    help_text="Documents this one refers to")
    legal_basis = models.TextField(blank=True, help_text="Laws and frameworks this document answers")
    next_review_on = models.DateField(null=True, blank=True,
                                      help_text="At least annually, and after each incident that triggered it")
    published_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When it was published at its public address; empty: not public")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class DocumentVersion(models.Model):
    """One numbered version of a document's text (Markdown). Frozen once approved."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    body = models.TextField(blank=True, help_text="The document's text, in Markdown")
    effective_on = models.DateField(null=True, blank=True, help_text="The day this version comes into force")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    in_force_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    change_notes = models.TextField(blank=True, help_text="What changed from the version before, and why")
    sources = models.JSONField(default=dict, blank=True,
                               help_text="What the system knew when it generated this text (to notice changes)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="governance_version_number_unique"),
            models.UniqueConstraint(fields=["document"], condition=Q(status="in_force"),
                                    name="governance_one_version_in_force"),
            models.UniqueConstraint(fields=["document"], condition=Q(status__in=["draft", "in_review"]),
                                    name="governance_one_open_version"),
        ]

    def __str__(self) -> str:
        return f"{self.document} version {self.number}"

    @property
    def frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def status_help(self) -> str:
        return STATUS_HELP[self.status]
