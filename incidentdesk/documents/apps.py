from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "incidentdesk.documents"
    verbose_name = "Documents (PDF and DOCX)"
