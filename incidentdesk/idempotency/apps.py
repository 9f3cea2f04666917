from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "incidentdesk.idempotency"
    verbose_name = "Idempotent writes"
