from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "incidentdesk.evidence"
