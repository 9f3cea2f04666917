from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "incidentdesk.routing"
    label = "routing"
    verbose_name = "Internal routing"
