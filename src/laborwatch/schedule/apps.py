"""The day's schedule: the jobs `laborwatch serve` runs by itself, and their run log."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "laborwatch.schedule"
    label = "schedule"
    verbose_name = _("Schedule")
