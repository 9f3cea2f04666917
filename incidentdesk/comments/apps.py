from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "incidentdesk.comments"
    verbose_name = "Comments"
