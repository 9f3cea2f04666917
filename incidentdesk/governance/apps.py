from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "incidentdesk.governance"
    verbose_name = "Governance documents"
