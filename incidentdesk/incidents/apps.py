from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _restore_search(sender, using, **kwargs) -> None:
    from django.db import connections

    from . import search

    search.ensure(connections[using])


class IncidentsConfig(AppConfig):
    name = "incidentdesk.incidents"
    label = "incidents"

    def ready(self) -> None:
        post_migrate.connect(_restore_search, sender=self)
