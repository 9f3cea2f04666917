from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    name = "incidentdesk.briefings"
    verbose_name = "Briefings and training"

    def ready(self) -> None:
        from . import signals  # noqa: F401  an accepted training lesson becomes a briefing task
