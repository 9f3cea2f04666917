"""A full disk answers 507 with a plain explanation, not a 500 (found by an attacker filling the disk).

SQLite says "database or disk is full", PostgreSQL raises SQLSTATE 53100 (disk_full), and writing an
upload or an evidence file raises ``OSError`` with ``ENOSPC``. Every write runs in a transaction, so when
one of these reaches the top nothing of the request was stored; the answer says so, as problem details
under ``/api/`` and as a page elsewhere. Anything else keeps propagating (a real bug stays a 500).
"""

from __future__ import annotations

import errno

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

TITLE = "Out of storage space"
DETAIL = ("The server has run out of disk space, so nothing from this request was saved. Try again once "
          "the administrator has freed space; what you sent is not stored anywhere.")
_DB_MESSAGES = ("database or disk is full", "no space left on device", "could not extend file")


def is_out_of_space(exc: BaseException) -> bool:
    """True for the three ways a full disk shows (SQLite, PostgreSQL, a file write), also when wrapped."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        if isinstance(exc, DatabaseError) and (getattr(exc, "sqlstate", None) == "53100"
                                               or any(m in str(exc).lower() for m in _DB_MESSAGES)):
            return True
        if getattr(getattr(exc, "__cause__", None), "sqlstate", None) == "53100":  # psycopg's DiskFull
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def out_of_space(request: HttpRequest) -> HttpResponse:
    """The 507: problem details under /api/, a plain page elsewhere."""
    if request.path.startswith("/api/"):
        from incidentdesk.api_base import problem

        return problem(request, 507, TITLE, DETAIL)
    page = render_to_string("507.html", {"title": TITLE, "detail": DETAIL}, request=request)
    return HttpResponse(page, status=507)


class OutOfSpaceMiddleware:
    """Turns a full-disk exception raised by any view into the 507 above."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return out_of_space(request) if is_out_of_space(exception) else None
