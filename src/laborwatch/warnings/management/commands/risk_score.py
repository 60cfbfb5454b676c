"""`laborwatch risk-score`: only the risk engine's scores and grades, without syncing warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import LaborwatchCommand, date_argument, progress_bar
from laborwatch.risk.pipeline import ScoringError, score_store
from laborwatch.warnings.daily_summary import risk_type_counts
from laborwatch.warnings.management.risk_engine import open_feed_store, rules_from


def add_scoring_arguments(parser: CommandParser) -> None:
    """--date, --rules and --quiet, shared with `laborwatch score`."""
    parser.add_argument(
        "--date",
        type=date_argument,
        help=_("Scoring day, YYYY-MM-DD (default: the latest date in the data feeds)."),
    )
    parser.add_argument(
        "--rules", type=Path, help=_("Rules file (default: the shipped rules-v1.toml).")
    )
    parser.add_argument(
        "--quiet", action="store_true", help=_("Show no progress, only the summary.")
    )


class Command(LaborwatchCommand):
    help = gettext_lazy(
        "Compute the risk indicators, scores and grades of every enterprise only (warnings "
        "are not synced)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_scoring_arguments(parser)

    def handle(
        self, *args: Any, date: dt.date | None, rules: Path | None, quiet: bool, **options: Any
    ) -> None:
        config = rules_from(rules)
        root = open_feed_store(self.stdout)
        try:
            with progress_bar(enabled=not quiet) as progress:
                progress.add_task(_("Computing risk indicators and scores…"), total=None)
                run = score_store(root, as_of=date, config=config)
        except ScoringError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Scoring day %(day)s (rules %(version)s): %(enterprises)s enterprises, "
                "%(files)d partition files read, %(seconds).1f seconds"
            )
            % {
                "day": run.as_of,
                "version": run.config_version,
                "enterprises": f"{run.enterprises:,}",
                "files": len(run.files_read),
                "seconds": run.seconds,
            }
        )
        self.stdout.write(_("  Scores: %(path)s") % {"path": run.scores_path})
        self.stdout.write(_("  Indicators: %(path)s") % {"path": run.indicators_path})
        for risk_type, label in config.risk_types.items():
            self.stdout.write("  " + risk_type_counts(label, run.grade_counts, risk_type))
