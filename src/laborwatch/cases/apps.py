"""Rights-protection work orders (工单): intake, the handling loop, SLA clocks, plans, referrals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "laborwatch.cases"
    label = "cases"
    verbose_name = _("Work orders")
