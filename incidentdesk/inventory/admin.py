from django.contrib import admin

from incidentdesk.audit.admin_mixins import AuditedAdmin

from .models import AITool


@admin.register(AITool)
class AIToolAdmin(AuditedAdmin):
    list_display = ("name", "provider", "version", "risk_class", "approved", "owner")
    list_filter = ("risk_class", "approved")
    search_fields = ("name", "provider", "purpose")
