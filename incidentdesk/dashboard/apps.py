from django.apps import AppConfig
from django.db.models.signals import post_save


class DashboardConfig(AppConfig):
    name = "incidentdesk.dashboard"

    def ready(self) -> None:
        from incidentdesk.organisation.models import Organisation

        post_save.connect(_zone_saved, sender=Organisation, dispatch_uid="dashboard-follow-zone")


def _zone_saved(sender, instance, **kwargs) -> None:
    """The organisation's days moved: rebuild the rollups keyed by them, in the save's transaction (decision 207)."""
    from . import rollups

    rollups.follow_zone(instance.time_zone or "UTC")
