"""Admin of the core app: org units, users, the audit log (read-only), calendar overrides, and
the sign-in locks of django-axes. Every change here is audited (core/admin_audit.py)."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from laborwatch.core.admin_audit import AuditedAdmin, AuditedDeletion, ReadOnlyAdmin
from laborwatch.core.audit import jsonable, record_event
from laborwatch.core.models import AuditEvent, CalendarOverride, OrgUnit, User
from laborwatch.core.services import login_unlock, user_created_record

# Roles, not groups, say what a user may do: a group given in the admin would mean nothing.
admin.site.unregister(Group)


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "division_code", "is_active")
    list_filter = ("kind",)
    search_fields = ("code", "name", "short_name")


# The account fields whose changes the audit event lists (the password only as "changed").
USER_AUDITED_FIELDS = (
    "username",
    "role",
    "org_unit",
    "display_name",
    "is_unit_head",
    "is_active",
    "is_staff",
    "is_superuser",
    "first_name",
    "last_name",
    "email",
)


@admin.register(User)
class LaborWatchUserAdmin(AuditedDeletion, UserAdmin):
    """A user made here has no role (so sees nothing) until an administrator gives one."""

    list_display = ("username", "display_name", "role", "org_unit", "is_active")
    list_filter = ("role", "org_unit")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("LaborWatch", {"fields": ("role", "org_unit", "display_name", "is_unit_head")}),
        ("", {"fields": ("first_name", "last_name", "email")}),
        ("", {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if not change:
            super().save_model(request, obj, form, change)
            user_created_record(actor=actor, user=obj, now=timezone.now())
            return
        stored = User.objects.get(pk=obj.pk)
        names = [name for name in USER_AUDITED_FIELDS if name in form.changed_data]
        super().save_model(request, obj, form, change)
        if names:
            record_event(
                actor=actor,
                action="user.update",
                target=obj,
                org_unit=obj.org_unit,
                before={name: jsonable(getattr(stored, name)) for name in names},
                after={name: jsonable(getattr(obj, name)) for name in names},
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                record_event(
                    actor=request.user,  # type: ignore[arg-type]
                    action="user.password_change",
                    target=user,
                    org_unit=user.org_unit,
                )
        return response

    def record_deletion(self, request: HttpRequest, obj: User) -> None:
        record_event(
            actor=request.user,  # type: ignore[arg-type]
            action="user.delete",
            target=obj,
            org_unit=obj.org_unit,
            before={"role": obj.role, "org_unit": obj.org_unit.code if obj.org_unit else None},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "target_type", "target_label")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_label", "target_id")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin):
    list_display = ("day", "is_working_day", "note")


# django-axes: a lock is lifted by deleting its attempt record, which is audited; the logs of
# sign-ins are read-only.
admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AuditedDeletion, AccessAttemptAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def record_deletion(self, request: HttpRequest, obj: AccessAttempt) -> None:
        login_unlock(
            actor=request.user,  # type: ignore[arg-type]
            username=obj.username or "",
            ip_address=obj.ip_address or "",
            now=timezone.now(),
        )


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "logout_time", "username", "ip_address", "path_info")
    search_fields = ("username", "ip_address")


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "path_info", "locked_out")
    search_fields = ("username", "ip_address")
