"""`laborwatch risk-eval`: the warnings measured against a synthetic city's injected episodes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import LaborwatchCommand, date_argument, progress_bar
from laborwatch.risk.evaluate import evaluate_city, format_evaluation
from laborwatch.risk.rules import GRADES
from laborwatch.warnings.management.risk_engine import open_feed_store


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Test the warnings against the risk episodes a synthetic city injected: precision, "
        "recall, days of warning ahead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "city",
            type=Path,
            help=_("A directory made by laborwatch synth (with episodes.parquet)."),
        )
        parser.add_argument(
            "--grade", choices=list(GRADES), default="yellow", help=_("Lowest warning grade.")
        )
        parser.add_argument(
            "--step-days", type=int, default=7, help=_("Days between backtest scoring days.")
        )
        parser.add_argument(
            "--horizon-days",
            type=int,
            default=120,
            help=_("How many days ahead a warning counts."),
        )
        parser.add_argument("--start", type=date_argument, help=_("First backtest day."))
        parser.add_argument("--end", type=date_argument, help=_("Last backtest day."))
        parser.add_argument("--quiet", action="store_true", help=_("Show no progress bar."))

    def handle(
        self,
        *args: Any,
        city: Path,
        grade: str,
        step_days: int,
        horizon_days: int,
        start: dt.date | None,
        end: dt.date | None,
        quiet: bool,
        **options: Any,
    ) -> None:
        if not (city / "episodes.parquet").is_file():
            message = _("%(path)s is not a synthetic city with episodes.parquet.")
            raise CommandError(message % {"path": city})
        root = open_feed_store(self.stdout)
        try:
            with progress_bar(enabled=not quiet) as progress:
                result = evaluate_city(
                    root,
                    city,
                    grade=grade,
                    step_days=step_days,
                    horizon_days=horizon_days,
                    start=start,
                    end=end,
                    progress=progress,
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(format_evaluation(result))
