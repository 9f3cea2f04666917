from django.apps import AppConfig


class CapaConfig(AppConfig):
    name = "incidentdesk.capa"
    verbose_name = "Corrective and preventive actions"
