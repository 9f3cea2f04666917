from django.contrib import admin

from .models import Classification, Incident, IncidentTool


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ToolInline(ReadOnlyInline):
    model = IncidentTool
    fields = ("name", "tool")


class ClassificationInline(ReadOnlyInline):
    model = Classification
    fields = ("at", "level", "kind", "reasoning", "by_name")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """View only: incidents change through the services (CLI, web app), which reassess and audit."""

    list_display = ("reference", "title", "severity_level", "status", "detected_at")
    list_filter = ("status", "severity_level", "detection_source")
    search_fields = ("reference", "title", "description")
    inlines = [ToolInline, ClassificationInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
