from django.apps import AppConfig


class MyWorkConfig(AppConfig):
    name = "incidentdesk.mywork"
    verbose_name = "My work"
