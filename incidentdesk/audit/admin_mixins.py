from django.contrib import admin
from django.db import transaction

from . import services as audit


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits of register data are written to the audit chain like any other change."""

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = audit.snapshot(obj)
            if before is not None:
                before, after = audit.changed(before, after)
            audit.record(action=f"{obj._meta.model_name}.{'updated' if change else 'created'}",
                         object_type=obj._meta.model_name, object_id=obj.pk, by=request.user,
                         before=before, after=after, summary="changed in the admin",
                         incident_ref=getattr(obj, "audit_incident_ref", ""))

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(action=f"{obj._meta.model_name}.deleted", object_type=obj._meta.model_name,
                         object_id=obj.pk, by=request.user, before=audit.snapshot(obj),
                         summary="deleted in the admin", incident_ref=getattr(obj, "audit_incident_ref", ""))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
