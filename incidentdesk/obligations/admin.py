from django.contrib import admin

from .models import Obligation


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    """View only: obligations are computed from facts and rules, never typed in."""

    list_display = ("incident", "rule_id", "status", "due_at", "citation")
    list_filter = ("status", "regime")
    search_fields = ("incident__reference", "rule_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
