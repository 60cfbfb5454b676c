"""Rights-protection work orders (工单): intake, the handling loop, SLA clocks, plans, referrals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "laborwatch.cases"
    label = "cases"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        # Any change to a policy must reach the per-process copy the SLA clocks read.
        from laborwatch.cases.models import SlaPolicy
        from laborwatch.cases.sla import policy_changed
        from laborwatch.lib.process_cache import forget_on_change

        forget_on_change(SlaPolicy, policy_changed, dispatch_uid="sla-policies")
