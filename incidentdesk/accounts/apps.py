from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "incidentdesk.accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the sign-in receivers
