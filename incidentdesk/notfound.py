"""The visitor's 404 page even with DEBUG on (the demo that ``make run`` serves).

With DEBUG on, Django answers a 404 with its technical page, which lists every URL pattern of the app to
whoever asked, e.g. for a restricted incident's address. The demo runs with DEBUG on (it needs no secret,
no key file and serves static files itself), so this middleware answers as production does: the same
``404.html`` a visitor sees without DEBUG (or problem details under /api/). It does nothing with DEBUG off,
where Django already renders ``404.html``. See docs/decisions.md 121.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

NOTHING_HERE = "There is nothing at this address."


def not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    """The plain 404: problem details under /api/, the app's page elsewhere; no URL pattern, no traceback."""
    if request.path.startswith("/api/"):
        from incidentdesk.api_base import problem

        return problem(request, 404, "Not found", message or NOTHING_HERE)
    return render(request, "404.html", {"exception": message or NOTHING_HERE}, status=404)


class VisitorNotFoundMiddleware:
    """With DEBUG on, a 404 is the visitor's page, never Django's technical one with the URL patterns."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An address that matched no pattern (the resolver's 404 never reaches process_exception).
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view's ``Http404`` (an incident the person may not see) with its own plain message."""
        if settings.DEBUG and isinstance(exception, Http404):
            return not_found(request, str(exception))
        return None
