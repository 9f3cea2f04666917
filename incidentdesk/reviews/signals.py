"""An approved version completes the document's open reviews, in the approval's own transaction.

A model signal rather than a call from the governance app: the governance app does not import this one, and
every way a version gets approved (page, API, CLI, demo) passes through the model's save.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from incidentdesk.governance.models import DocumentVersion, VersionStatus


@receiver(post_save, sender=DocumentVersion, dispatch_uid="reviews-complete-by-approval")
def approved(sender, instance: DocumentVersion, **kwargs) -> None:
    if instance.status == VersionStatus.APPROVED and instance.approved_at is not None:
        from .cycle import complete_by_approval

        complete_by_approval(instance)
