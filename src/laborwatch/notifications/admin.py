"""Admin: each unit's channels (an email address or a group robot's webhook and signing
secret) are set up here; the outbox is listed read-only."""

from __future__ import annotations

from django.contrib import admin

from laborwatch.cases.admin import ReadOnlyAdmin
from laborwatch.notifications.models import Channel, Delivery


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("org_unit", "kind", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "channel__kind")
