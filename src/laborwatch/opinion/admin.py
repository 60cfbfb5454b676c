"""Admin for the verification list: the response-clock policies (edited here, like the SLA
policies), and the events read-only (changes go through the services and the event page;
posts are not listed: their text may hold personal data, seen only through the audited
reveal)."""

from __future__ import annotations

from django.contrib import admin

from laborwatch.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from laborwatch.opinion.models import Event, ResponsePolicy


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(AuditedAdmin):
    list_display = ("grade", "response_hours", "acknowledge_hours", "yellow_at_percent")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "title", "status", "grade", "heat", "district", "first_seen_at")
    list_filter = ("status", "grade", "on_list", "district")
    search_fields = ("title", "enterprise__name")
    date_hierarchy = "first_seen_at"
    list_select_related = ("district",)
