from django.apps import AppConfig


class PreparednessConfig(AppConfig):
    name = "incidentdesk.preparedness"
    verbose_name = "Preparedness: exercises and readiness"
