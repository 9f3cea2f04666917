from django.contrib import admin

from incidentdesk.audit.admin_mixins import AuditedAdmin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "country", "time_zone", "ai_act_role")
