from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "incidentdesk.reviews"
    verbose_name = "Management review and the review cycle"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the approval signal)
