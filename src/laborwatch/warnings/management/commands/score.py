"""`laborwatch score`: the daily pipeline: work orders out to the feed store, every enterprise
scored, warnings synced."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import LaborwatchCommand, progress_bar
from laborwatch.risk.pipeline import ScoringError
from laborwatch.warnings.daily import run_daily
from laborwatch.warnings.daily_summary import format_daily
from laborwatch.warnings.management.commands.risk_score import add_scoring_arguments
from laborwatch.warnings.management.risk_engine import rules_from


class Command(LaborwatchCommand):
    help = gettext_lazy(
        "The daily pipeline: export work orders, score every enterprise, sync warnings (by "
        "default as of the latest date in the data feeds)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_scoring_arguments(parser)

    def handle(
        self, *args: Any, date: dt.date | None, rules: Path | None, quiet: bool, **options: Any
    ) -> None:
        config = rules_from(rules)
        try:
            with progress_bar(enabled=not quiet) as progress:
                progress.add_task(
                    _("Exporting work orders, scoring, syncing warnings…"), total=None
                )
                run = run_daily(as_of=date, config=config)
        except ScoringError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(format_daily(run, config.risk_types))
