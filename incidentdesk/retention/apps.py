from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "incidentdesk.retention"
    verbose_name = "Retention, legal hold and minimisation"
