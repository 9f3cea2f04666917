from django.apps import AppConfig


class ContainmentConfig(AppConfig):
    name = "incidentdesk.containment"
