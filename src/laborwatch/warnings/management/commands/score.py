"""`laborwatch score`: the daily pipeline: work orders out to the feed store, every enterprise
scored, warnings synced."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.risk.engines import Engine
from laborwatch.risk.rules import RulesConfig
from laborwatch.warnings.daily import run_daily
from laborwatch.warnings.daily_summary import format_daily
from laborwatch.warnings.management.risk_engine import ScoringCommand, scoring


class Command(ScoringCommand):
    summary = gettext_lazy(
        "The daily pipeline: export work orders, score every enterprise, sync warnings (by "
        "default as of the latest date in the data feeds)."
    )

    def score(
        self, *, as_of: dt.date | None, config: RulesConfig, quiet: bool, engine: Engine
    ) -> None:
        with scoring(_("Exporting work orders, scoring, syncing warnings…"), quiet=quiet):
            run = run_daily(as_of=as_of, config=config, engine=engine)
        self.stdout.write(format_daily(run, config.risk_types))
