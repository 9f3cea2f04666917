from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "incidentdesk.breaches"
    label = "breaches"
