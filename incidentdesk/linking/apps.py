from django.apps import AppConfig


class LinkingConfig(AppConfig):
    name = "incidentdesk.linking"
    verbose_name = "Linking: tags, related and duplicate incidents, merging"
