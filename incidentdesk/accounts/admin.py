from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import services as people
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
    """People who ever acted cannot be deleted, only deactivated; every change of who may do what is audited.

    Deleting one set the audit log's actor to NULL, an UPDATE the append-only audit table refuses: an
    IntegrityError 500 (found by an attacker). Refused here, before anything is deleted: the delete page is a
    403 with the reason, the delete button is gone, and the bulk delete lists them as protected.

    A change of role, of the active, staff or superuser flags, of groups or of permissions is one audit event
    with what changed, written in the admin's own transaction once the inlines and groups are saved
    (``save_related``), so the event sees the final state. A password set here is an event without the password.
    """

    inlines = [PersonInline]

    def save_model(self, request, obj, form, change):
        obj._access_before = people.access_of(get_user_model().objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        people.record_access_change(user=form.instance, before=getattr(form.instance, "_access_before", None),
                                    by=request.user, where="in the admin")

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        with transaction.atomic():
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    people.record_password_set(user=user, by=request.user, where="in the admin")
        return response

    def delete_model(self, request, obj):
        with transaction.atomic():
            people.record_deleted(user=obj, by=request.user, where="in the admin")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for user in queryset:
                self.delete_model(request, user)

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


class AuditedGroupAdmin(GroupAdmin):
    """A group's permissions are the admin rights of everyone in it: creating, changing or deleting one is audited."""

    def save_model(self, request, obj, form, change):
        obj._access_before = people.group_access(Group.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        people.record_group_change(group=form.instance, before=getattr(form.instance, "_access_before", None),
                                   by=request.user)

    def delete_model(self, request, obj):
        with transaction.atomic():
            people.record_group_change(group=obj, before=people.group_access(obj), by=request.user, deleted=True)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for group in queryset:
                self.delete_model(request, group)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PersonUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, AuditedGroupAdmin)
