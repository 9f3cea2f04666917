from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from .models import Person


class PersonInline(admin.StackedInline):
    model = Person
    can_delete = False
    verbose_name_plural = "role in IncidentDesk"


def has_acted(user) -> bool:
    """True if the audit log names ``user`` as the actor of any event."""
    from incidentdesk.audit.models import AuditEvent

    return AuditEvent.objects.filter(actor_id=user.pk).exists()


def kept_because_acted(user) -> str:
    return (f"{user.get_username()} has acted in the register, and the audit log names them: people who acted "
            "are kept so the log keeps who did what. Deactivate them instead (untick \u201cActive\u201d on their "
            "page), which ends their sign-in and API tokens.")


class PersonUserAdmin(UserAdmin):
    """People who ever acted cannot be deleted, only deactivated.

    Deleting one set the audit log's actor to NULL, an UPDATE the append-only audit table refuses: an
    IntegrityError 500 (found by an attacker). Refused here, before anything is deleted: the delete page is a
    403 with the reason, the delete button is gone, and the bulk delete lists them as protected.
    """

    inlines = [PersonInline]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and has_acted(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None and has_acted(user):
            raise PermissionDenied(kept_because_acted(user))
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = [kept_because_acted(user) for user in objs if has_acted(user)]
        if kept:  # the reason, not "no permission to delete users" (has_delete_permission said no for them)
            perms_needed = perms_needed - {str(self.opts.verbose_name)}
        return deleted, counts, perms_needed, [*protected, *kept]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PersonUserAdmin)
