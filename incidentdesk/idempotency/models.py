"""One row per idempotency key: claimed before the work, completed with the response it gave.

The unique constraint on (user, key) is what stops two identical requests sent at the same moment
from both doing the work: the second insert fails, and the second request replays or waits.
"""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255, help_text="The client's Idempotency-Key, or form:<token> for a web form")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    created_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while the work is in progress")
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    location = models.CharField(max_length=500, blank=True, help_text="Where the first submission led (web forms)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_one_key_per_user")]

    def __str__(self) -> str:
        return f"{self.key} ({'in progress' if self.status is None else self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status is None
