"""``Idempotency-Key`` for every POST under /api/, whatever the router.

A Django middleware rather than a per-endpoint decorator, so a router added later is covered without
doing anything. The person is the owner of the request's bearer token (checked again, with its scope,
by the endpoint itself); a request without a valid token passes through and gets the endpoint's 401.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from incidentdesk.accounts.tokens import owner_of
from incidentdesk.api_base import problem

from . import services

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


class IdempotencyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > services.MAX_KEY_LENGTH or not key.isprintable():
            return problem(request, 422, "Invalid Idempotency-Key",
                           f"{HEADER}: send 1 to {services.MAX_KEY_LENGTH} printable characters, e.g. a UUID")
        auth = request.headers.get("Authorization", "")
        user = owner_of(auth[7:].strip()) if auth[:7].lower() == "bearer " else None
        if user is None:
            return self.get_response(request)
        try:
            body = request.body
        except RequestDataTooBig:  # the endpoint answers it (413) as it would without a key
            return self.get_response(request)
        print_ = services.fingerprint(request.method, request.get_full_path(), body)
        held = services.claim(user=user, key=key, fingerprint=print_)
        if not held.fresh:
            return self._repeat(request, held.row, print_)
        try:
            response = self.get_response(request)
        except BaseException:
            services.release(held.row)
            raise
        if 200 <= response.status_code < 300 and not response.streaming:
            services.complete(held.row, status=response.status_code, body=response.content,
                              content_type=response.get("Content-Type", ""), location=response.get("Location", ""))
        else:
            services.release(held.row)
        return response

    @staticmethod
    def _repeat(request: HttpRequest, row, print_: str) -> HttpResponse:
        if row.fingerprint != print_:
            return problem(request, 422, "Idempotency-Key reused",
                           f"{HEADER}: this key was already used for a different request; use a new key "
                           "for a new request. Nothing was done.")
        if row.in_progress:
            response = problem(request, 409, "Request in progress",
                               f"{HEADER}: a request with this key is still being worked on; try again shortly. "
                               "Nothing was done twice.")
            response["Retry-After"] = "1"
            return response
        response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type or None)
        if row.location:
            response["Location"] = row.location
        response[REPLAYED] = "true"
        return response
