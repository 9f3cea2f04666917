from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "incidentdesk.accounts"
    verbose_name = "People and roles"
