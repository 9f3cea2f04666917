from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "incidentdesk.audit"
    label = "audit"
