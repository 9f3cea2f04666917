"""Template context: ``may.<capability>``, ``role`` and ``role_label`` for the signed-in person."""

from .models import Role
from .permissions import capabilities, role_of


def permissions_context(request) -> dict:
    user = getattr(request, "user", None)
    role = role_of(user)
    return {"may": capabilities(user), "role": role, "role_label": Role(role).label.split(" (")[0] if role else ""}
