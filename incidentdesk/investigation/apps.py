from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "incidentdesk.investigation"
