"""One-time form tokens: a second submission of the same create form leads to what the first one created.

Put ``{% load once %}{% once_token %}`` inside the form and decorate the view with ``@submitted_once``.
The first POST carrying a token claims it (the same table and unique constraint as the API's
Idempotency-Key) before the view runs. If the view answers with a redirect (done), the token remembers
where to; a repeat of the token is sent there with a message and the view does not run again. If the
view shows the form again (a problem to correct) or fails, the token is released.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import services

FIELD = "once_token"
MAX_TOKEN = 64


def submitted_once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD, "").strip() if request.method == "POST" else ""
        if not token or len(token) > MAX_TOKEN or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        held = services.claim(user=request.user, key=f"form:{token}",
                              fingerprint=services.fingerprint("form", request.path))
        if not held.fresh:
            return _repeat(request, held.row)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            services.release(held.row)
            raise
        if response.status_code in (301, 302, 303) and response.get("Location"):
            services.complete(held.row, status=response.status_code, location=response["Location"])
        else:
            services.release(held.row)
        return response

    return wrapper


def _repeat(request: HttpRequest, row) -> HttpResponse:
    done = services.wait_for(row) if row.in_progress else row
    if done is not None and done.location:
        messages.info(request, "This form was already sent, so nothing new was saved. "
                               "Here is what the first submission did.")
        return redirect(done.location)
    messages.warning(request, "This form was already sent and is still being saved; nothing new was saved. "
                              "Reload the page in a moment.")
    return redirect(request.path)
