"""`laborwatch django dashboard_rebuild`: the dashboard's facts and day rows built whole from
the work orders and warnings, for data written without audit rows (a bulk load, a restore)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.dashboard.facts import facts_rebuild
from laborwatch.lib.commands import LaborwatchCommand


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Build the command dashboard's day figures whole from the work orders and warnings."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rebuilt = facts_rebuild()
        self.stdout.write(
            _("Dashboard figures built from %(cases)d work orders and %(warnings)d warnings.")
            % {"cases": rebuilt.cases, "warnings": rebuilt.warnings}
        )
