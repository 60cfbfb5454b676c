from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from laborwatch.core.models import AuditEvent, CalendarOverride, OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "division_code", "is_active")
    list_filter = ("kind",)
    search_fields = ("code", "name", "short_name")


@admin.register(User)
class LaborWatchUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "org_unit", "is_active")
    list_filter = ("role", "org_unit")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("LaborWatch", {"fields": ("role", "org_unit", "display_name")}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "target_type", "target_label")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_label", "target_id")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_working_day", "note")
