from django.contrib import admin
from django.db import transaction

from incidentdesk.audit.admin_mixins import AuditedAdmin
from incidentdesk.obligations import services as obligations

from .models import AITool


@admin.register(AITool)
class AIToolAdmin(AuditedAdmin):
    list_display = ("name", "provider", "version", "risk_class", "approved", "owner")
    list_filter = ("risk_class", "approved")
    search_fields = ("name", "provider", "purpose")

    def save_model(self, request, obj, form, change):
        """As on the inventory page: a tool entering the inventory links the open incidents that named it."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            obligations.after_tool_saved(tool=obj, by=request.user)
