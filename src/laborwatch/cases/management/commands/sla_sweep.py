"""`laborwatch sla-sweep`: urge at yellow, escalate at red, chase unsigned referrals and
warnings, and the public-opinion response clocks (for cron when the server's own sweep is
off)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.services import sla_sweep
from laborwatch.lib.commands import LaborwatchCommand
from laborwatch.opinion.services import opinion_sweep
from laborwatch.warnings.services import warnings_sweep


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Deadline sweep: urge at yellow, escalate at red, chase unsigned referrals and warnings "
        "(can run from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        cases = sla_sweep()
        warnings = warnings_sweep()
        opinion = opinion_sweep()
        self.stdout.write(
            _(
                "%(urged)d urged, %(escalated)d escalated, %(referrals)d referrals unsigned past "
                "their time, %(milestones)d milestones overdue, %(warnings)d warnings unsigned "
                "past their time"
            )
            % {
                "urged": cases.urged,
                "escalated": cases.escalated,
                "referrals": cases.referrals_escalated,
                "milestones": cases.milestones_flagged,
                "warnings": warnings.escalated,
            }
        )
        self.stdout.write(
            _(
                "Leaders' instructions past their deadline, urged: %(cases)d on cases, "
                "%(warnings)d on warnings"
            )
            % {"cases": cases.instructions_urged, "warnings": warnings.instructions_urged}
        )
        self.stdout.write(
            _(
                "Public opinion: %(urged)d responses urged, %(overdue)d overdue responses "
                "escalated, %(unsigned)d assignments unsigned past their time"
            )
            % {"urged": opinion.urged, "overdue": opinion.escalated, "unsigned": opinion.unsigned}
        )
