"""Reports app: the daily early-warning report and the monthly hotline analysis (its command)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "laborwatch.reports"
    label = "reports"
    verbose_name = _("Reports")
