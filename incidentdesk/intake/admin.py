"""Alert sources in the admin: the HMAC secret is written, never shown, and every change is an audit event.

The secret signs the alerts a monitoring tool posts; whoever reads it can forge alerts. So the change page
has no field that shows it: "New secret" is a password field that is never filled in again, and "Remove the
secret" clears it. The audit event of a creation, change or deletion records *that* the secret was set,
replaced or removed, never its value (the audit chain is append-only: a value written there stays forever).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction

from incidentdesk.audit import services as audit

from .models import AlertSource

SECRET = "hmac_secret"


class AlertSourceForm(forms.ModelForm):
    new_secret = forms.CharField(
        label="New secret", required=False, strip=True, max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Type a secret to require signed alerts (it replaces any earlier one and is not shown again). "
                  "Leave empty to keep the current one.")
    remove_secret = forms.BooleanField(label="Remove the secret", required=False,
                                       help_text="Alerts from this source will then be accepted unsigned.")

    class Meta:
        model = AlertSource
        fields = ["name", "slug", "auto_rules"]  # never the secret: it is written through new_secret only

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_secret") and data.get("remove_secret"):
            raise forms.ValidationError("Either type a new secret or remove it, not both.")
        return data


def _public(source: AlertSource) -> dict[str, Any]:
    """What an event may show of a source: everything but the secret, and whether there is one."""
    values = {k: v for k, v in audit.snapshot(source).items() if k != SECRET}
    return values | {"signed": bool(source.hmac_secret)}


def _secret_change(before: str, after: str) -> str:
    if before == after:
        return ""
    return "removed" if not after else ("set" if not before else "replaced")


@admin.register(AlertSource)
class AlertSourceAdmin(admin.ModelAdmin):
    form = AlertSourceForm
    list_display = ["name", "slug", "signature", "created_at"]
    readonly_fields = ["signature"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Signature")
    def signature(self, obj: AlertSource | None) -> str:
        if obj is None or not obj.hmac_secret:
            return "No secret: alerts are accepted unsigned"
        return "A secret is set (not shown)"

    def save_model(self, request, obj, form, change):
        stored = AlertSource.objects.get(pk=obj.pk) if change else None
        old_secret = stored.hmac_secret if stored else ""
        if form.cleaned_data.get("remove_secret"):
            obj.hmac_secret = ""
        elif form.cleaned_data.get("new_secret"):
            obj.hmac_secret = form.cleaned_data["new_secret"]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            before, after = (_public(stored) if stored else None), _public(obj)
            if before is not None:
                before, after = audit.changed(before, after)
            secret = _secret_change(old_secret, obj.hmac_secret)
            if secret:
                after["secret"] = secret
            if change and not after:
                return
            verb = "updated" if change else "created"
            audit.record(action=f"alertsource.{verb}", object_type="alertsource", object_id=obj.pk,
                         by=request.user, before=before, after=after,
                         summary=f"Alert source {obj.name} {verb} in the admin"
                                 + (f"; its secret was {secret}" if secret else ""))

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(action="alertsource.deleted", object_type="alertsource", object_id=obj.pk,
                         by=request.user, before=_public(obj), summary=f"Alert source {obj.name} deleted in the admin")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for source in queryset:
                self.delete_model(request, source)
