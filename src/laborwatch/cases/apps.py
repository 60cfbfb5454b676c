"""Rights-protection work orders (工单): intake, the handling loop, SLA clocks, plans, referrals."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "laborwatch.cases"
    label = "cases"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        # Cache upkeep, not domain flow: any change to a policy (the admin edits them
        # directly) must reach the per-process copy the SLA clocks read.
        from laborwatch.cases.models import SlaPolicy
        from laborwatch.cases.sla import policy_changed

        post_save.connect(policy_changed, sender=SlaPolicy, dispatch_uid="sla-policies-save")
        post_delete.connect(policy_changed, sender=SlaPolicy, dispatch_uid="sla-policies-delete")
