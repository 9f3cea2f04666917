"""The WSGI application (gunicorn incidentdesk.wsgi).

``migrate`` and ``check --deploy`` stop on the system check audit.E001 when production has no audit key,
but a WSGI server runs no system checks: it would start, and every audited action would then fail as a
bare server error. So with DEBUG off the application runs that same check once it is set up and refuses
to load with its message.
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incidentdesk.settings")
application = get_wsgi_application()


def _refuse_without_audit_key() -> None:
    """Raise ImproperlyConfigured with the audit key check's own errors (production only)."""
    from django.conf import settings
    from django.core import checks

    from incidentdesk.audit.apps import audit_key_check

    if settings.DEBUG:
        return
    errors = [message for message in audit_key_check(None) if message.level >= checks.ERROR]
    if errors:
        raise ImproperlyConfigured("\n".join(str(error) for error in errors))


_refuse_without_audit_key()
