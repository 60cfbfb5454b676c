"""The command dashboard (驾驶舱): the seed's figures and charts, the home page."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "laborwatch.dashboard"
    label = "dashboard"
    verbose_name = _("Command dashboard")
