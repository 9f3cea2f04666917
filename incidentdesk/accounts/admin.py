from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Person


class PersonInline(admin.StackedInline):
    model = Person
    can_delete = False
    verbose_name_plural = "role in IncidentDesk"


class PersonUserAdmin(UserAdmin):
    inlines = [PersonInline]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PersonUserAdmin)
