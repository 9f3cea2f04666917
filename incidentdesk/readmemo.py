"""What one reading request asks the database several times, asked once.

A page reads "which restricted incidents may this person not see" once per panel, count and badge: 19 times on
the workspace of a large incident, 7 on the dashboard (issue 16). Within one GET or HEAD request the answer cannot
change (reading requests write nothing that decides access), so the middleware opens a memo for the request and
``remembered`` keeps an answer in it; the memo ends with the response. Requests that write (POST, PUT, ...) get no
memo: a request that restricts an incident must see its own change. Nothing is kept between requests or in the
process (decision 239: shared state lives in the database).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_MEMO: ContextVar[dict | None] = ContextVar("incidentdesk_read_memo", default=None)
READING = frozenset({"GET", "HEAD"})


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its answer already given in this reading request."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


class ReadMemoMiddleware:
    """Opens the memo for a GET or HEAD request and closes it when the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READING:
            return self.get_response(request)
        token = _MEMO.set({})
        try:
            return self.get_response(request)
        finally:
            _MEMO.reset(token)
