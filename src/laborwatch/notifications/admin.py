"""Admin: each unit's channels (an email address or a group robot's webhook and signing
secret) are set up here; the outbox is listed read-only."""

from __future__ import annotations

from django.contrib import admin

from laborwatch.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from laborwatch.notifications.models import Channel, Delivery


@admin.register(Channel)
class ChannelAdmin(AuditedAdmin):
    # The audit row names what changed; a robot's signing secret is never written into it.
    audit_excluded_fields = ("secret",)

    list_display = ("org_unit", "kind", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "channel__kind")
