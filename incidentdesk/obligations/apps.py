from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "incidentdesk.obligations"
    label = "obligations"
