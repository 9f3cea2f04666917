from django.utils import timezone

from .models import Organisation


class OrganisationTimeZoneMiddleware:
    """Show every time in the organisation's time zone; storage stays in UTC.

    The API answers in UTC (ISO 8601 with offset) and skips the lookup: intake must stay fast.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        timezone.activate(Organisation.current().time_zone or "UTC")
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
