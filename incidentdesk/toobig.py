"""Requests larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answered 413, not a 500 (found by an attacker).

Django raises ``RequestDataTooBig`` wherever the body is first read (a view, ninja's parser, the CSRF
check); in DEBUG ninja turned it into a 500 and Django into a 400. The middleware refuses a declared
oversized body before anything reads it; ``bad_request`` (``handler400``) and the API's exception handler
answer the same for what only shows when parsing (form fields of a multipart body, a body without a
Content-Length). Files in a multipart body do not count against this limit: evidence uploads keep their
own (``EVIDENCE_MAX_BYTES``, 25 MB), checked by the evidence service.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views import defaults

TITLE = "Payload too large"


def _limit_mb() -> str:
    return f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_048_576:g} MB"


def too_big(request: HttpRequest) -> HttpResponse:
    """The 413: problem details under /api/, a plain page elsewhere. Nothing was read, nothing stored."""
    detail = (f"The request is larger than {_limit_mb()} of data; nothing was stored. Files (evidence) go "
              f"as multipart uploads, up to {settings.EVIDENCE_MAX_BYTES // 1_000_000} MB.")
    if request.path.startswith("/api/"):
        from incidentdesk.api_base import problem

        return problem(request, 413, TITLE, detail)
    page = (f"<!doctype html><html lang=\"en\"><head><title>{TITLE} (413)</title></head>"
            f"<body><h1>{TITLE} (413)</h1><p>{detail}</p></body></html>")
    return HttpResponse(page, status=413, content_type="text/html; charset=utf-8")


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestTooBigMiddleware:
    """413 for a non-multipart body whose Content-Length is over the limit, before anything reads it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (limit is not None and _declared_length(request) > limit
                and not request.content_type.startswith("multipart/")):
            return too_big(request)
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: a body found too big while parsing is a 413; anything else Django's 400."""
    if isinstance(exception, RequestDataTooBig):
        return too_big(request)
    return defaults.bad_request(request, exception)
