"""Notifications: every event that needs a person reaches them where they work."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "laborwatch.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
