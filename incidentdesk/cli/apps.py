from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "incidentdesk.cli"
    label = "cli"
