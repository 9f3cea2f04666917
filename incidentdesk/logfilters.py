"""Logging filters: an ordinary refusal is one line on the console, not a traceback.

Django logs every 403 from ``PermissionDenied`` with the exception attached, so the console printed a full
traceback each time a viewer opened a page their role does not allow. A refusal is the app working as
designed: the line ("Forbidden (Permission denied): /path") stays, the traceback goes. Errors (5xx) keep
theirs.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class OrdinaryRefusal(logging.Filter):
    """Drop the traceback of a ``PermissionDenied`` record; keep the record itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, PermissionDenied):
            record.exc_info, record.exc_text = None, None
        return True
