from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "incidentdesk.organisation"
    label = "organisation"
