"""One family of refusals for every service, so the web, the API and the CLI each handle them in one place.

A service that will not do what it is asked raises a ``Refused`` (or a subclass) *before* it writes
anything; the message is for the person ("field: what is wrong"), and ``status`` is the HTTP status
the API answers with. The web layer shows the message, the API turns it into problem details
(RFC 9457), and the CLI prints it and exits non-zero. No layer keeps its own list of exception types.
"""

from __future__ import annotations


class Refused(ValueError):
    """The request is invalid or not allowed now; nothing was stored."""

    status = 422
    title = "Refused"


class NotFound(Refused, LookupError):
    """The thing asked for does not exist, or this person may not know that it exists."""

    status = 404
    title = "Not found"


class Forbidden(Refused, PermissionError):
    """The person's role or the incident's restriction does not allow this."""

    status = 403
    title = "Forbidden"


class Conflict(Refused):
    """The request is valid but the current state does not allow it (closed incident, unmet conditions)."""

    status = 409
    title = "Conflict"
