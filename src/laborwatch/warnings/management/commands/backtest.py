"""`laborwatch backtest`: the warnings replayed over a synthetic city's labelled episodes, each
file visible only from its arrival day (and, for comparison, with every file up front)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import (
    USAGE_ERROR,
    LaborwatchCommand,
    add_quiet_argument,
    date_argument,
    progress_bar,
)
from laborwatch.risk.evaluate import (
    CLEAN_DAYS,
    GRACE_DAYS,
    HORIZON_DAYS,
    MODE_CHOICES,
    Replay,
    evaluate_city,
    fit_on_city,
    format_evaluation,
)
from laborwatch.risk.fitting import format_fit
from laborwatch.risk.rules import RulesConfig
from laborwatch.warnings.management.risk_engine import (
    open_feed_store,
    rules_from,
    write_fitted_rules,
)


def every_argument(text: str) -> int:
    """An argparse type: days between scoring days, written 7 or 7d."""
    match = re.fullmatch(r"\s*(\d+)\s*d?\s*", text)
    if match is None or int(match[1]) < 1:
        message = _("Write the step in days, such as 7d: %(value)s") % {"value": text}
        raise CommandError(message, returncode=USAGE_ERROR)
    return int(match[1])


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Replay the warnings over a synthetic city's risk episodes, each file visible only from "
        "the day it arrived: precision, recall and days of warning ahead per risk type and grade."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "city",
            type=Path,
            help=_("A directory made by laborwatch synth (with episodes.parquet)."),
        )
        parser.add_argument(
            "--from",
            dest="start",
            type=date_argument,
            help=_("First scoring day (default: eight months before the last)."),
        )
        parser.add_argument(
            "--to",
            dest="end",
            type=date_argument,
            help=_("Last scoring day (default: the latest)."),
        )
        parser.add_argument(
            "--every",
            type=every_argument,
            default=7,
            metavar="7d",
            help=_("Days between scoring days."),
        )
        parser.add_argument(
            "--mode",
            choices=sorted(MODE_CHOICES),
            default="both",
            help=_("Point in time, all files up front, or both side by side."),
        )
        parser.add_argument(
            "--horizon-days",
            type=int,
            default=HORIZON_DAYS,
            help=_("How many days ahead a warning counts."),
        )
        parser.add_argument(
            "--grace-days",
            type=int,
            default=GRACE_DAYS,
            help=_("How many days after the onset a warning still counts as detection."),
        )
        parser.add_argument(
            "--clean-days",
            type=int,
            default=CLEAN_DAYS,
            help=_("Days without a signal after which a warning resolves."),
        )
        parser.add_argument(
            "--rules", type=Path, help=_("Rules file (default: the shipped rules-v1.toml).")
        )
        parser.add_argument(
            "--fit",
            action="store_true",
            help=_(
                "Fit the rules' weights on the first half of the period, verified as the "
                "city's labels say, and compare both rule sets on the second half; the fitted "
                "rules are written under the data directory's rules folder."
            ),
        )
        add_quiet_argument(parser)

    def handle(
        self,
        *args: Any,
        city: Path,
        start: dt.date | None,
        end: dt.date | None,
        every: int,
        mode: str,
        horizon_days: int,
        grace_days: int,
        clean_days: int,
        rules: Path | None,
        fit: bool,
        quiet: bool,
        **options: Any,
    ) -> None:
        if not (city / "episodes.parquet").is_file():
            message = _("%(path)s is not a synthetic city with episodes.parquet.")
            raise CommandError(message % {"path": city})
        config = rules_from(rules)
        root = open_feed_store(self.stdout)
        if fit:
            self._fit(root, city, config, rules, start, end, every, quiet)
            return
        try:
            with progress_bar(enabled=not quiet) as progress:
                result = evaluate_city(
                    root,
                    city,
                    replay=Replay(
                        start=start,
                        end=end,
                        step_days=every,
                        horizon_days=horizon_days,
                        grace_days=grace_days,
                        clean_days=clean_days,
                    ),
                    modes=MODE_CHOICES[mode],
                    config=config,
                    progress=progress,
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(format_evaluation(result))

    def _fit(
        self,
        root: Path,
        city: Path,
        config: RulesConfig,
        rules: Path | None,
        start: dt.date | None,
        end: dt.date | None,
        every: int,
        quiet: bool,
    ) -> None:
        version = f"{config.version}-fit-{dt.date.today():%Y%m%d}"
        try:
            with progress_bar(enabled=not quiet) as progress:
                result = fit_on_city(
                    root,
                    city,
                    version=version,
                    replay=Replay(start=start, end=end, step_days=every),
                    config=config,
                    progress=progress,
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        path = write_fitted_rules(root, result.fit, rules)
        self.stdout.write(
            _("Fitted on %(samples)d warnings verified as the city's labels say.")
            % {"samples": result.samples}
        )
        self.stdout.write(format_fit(result.fit, config.risk_types))
        self.stdout.write(format_evaluation(result.evaluation))
        self.stdout.write(_("Fitted rules: %(path)s") % {"path": path})
