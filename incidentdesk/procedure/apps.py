from django.apps import AppConfig


class ProcedureConfig(AppConfig):
    """The incident procedure's sections, and readable links to them from the rules' citations."""

    name = "incidentdesk.procedure"
    label = "procedure"
