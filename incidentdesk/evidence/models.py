"""Evidence: files kept as they were received, with their SHA-256 and a chain of custody.

Evidence is never overwritten or deleted through the app: a corrected file supersedes the old one,
which stays. Every addition, view and export is a custody event (and an audit event).
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class EvidenceStorage(LazyObject):
    """Files under ``INCIDENTDESK_EVIDENCE_DIR`` (default: the data folder's ``evidence/``)."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.EVIDENCE_DIR, file_permissions_mode=0o440)


evidence_storage = EvidenceStorage()


def evidence_files() -> EvidenceStorage:
    """The evidence storage, given to the field as a callable so that migrations name this function.

    Given the storage itself, ``makemigrations`` wrote down the folder of whoever generated the migration
    (``/tmp/idmig/evidence``), and every installation with another folder was told at ``migrate`` that its
    models had changes not yet in a migration. The storage stays lazy: it reads ``settings.EVIDENCE_DIR``
    when first used (and again after the tests reset it).
    """
    return evidence_storage


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"{instance.incident.reference}/{instance.sha256[:16]}-{filename}"


class Evidence(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, storage=evidence_files, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_by_name = models.CharField(max_length=150)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = scoped("incident")

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]}…)"

    @property
    def current(self) -> bool:
        return not hasattr(self, "superseded_by")


class CustodyEvent(models.Model):
    class Action(models.TextChoices):
        ADDED = "added", "Added"
        VIEWED = "viewed", "Viewed / downloaded"
        EXPORTED = "exported", "Included in an export"
        SUPERSEDED = "superseded", "Superseded"
        VERIFIED = "verified", "Hash verified"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="custody")
    action = models.CharField(max_length=12, choices=Action.choices)
    by_name = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    objects = scoped("evidence__incident")

    class Meta:
        ordering = ["at", "pk"]
