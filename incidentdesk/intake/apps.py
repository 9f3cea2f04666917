from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "incidentdesk.intake"
    verbose_name = "Intake: monitoring alerts and the reporting channel"
