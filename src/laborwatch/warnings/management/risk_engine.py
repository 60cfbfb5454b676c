"""The risk engine as the commands use it: the feed store, brought up to date from an earlier
version, the rules file, and the commands that score."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from laborwatch.lib.commands import LaborwatchCommand, date_argument, progress_bar
from laborwatch.risk import store
from laborwatch.risk.engines import DUCKDB, ENGINES, SPARK, Engine
from laborwatch.risk.fitting import Fit, rules_text
from laborwatch.risk.pipeline import ScoringError
from laborwatch.risk.rules import DEFAULT_RULES, RulesConfig, RulesError, active_rules, load_rules


def open_feed_store(stdout: OutputWrapper) -> Path:
    """The store under LABORWATCH_DATA_DIR, upgraded once if an earlier version wrote it; a
    CommandError when another process holds it too long."""
    root = Path(settings.DATA_DIR)
    try:
        upgraded = store.upgrade_store(root)
    except store.StoreBusyError as error:
        raise CommandError(str(error)) from error
    if upgraded:
        stdout.write(
            _("Feed store upgraded: %(count)d partition files given the enterprise key")
            % {"count": upgraded}
        )
    return root


def rules_from(path: Path | None) -> RulesConfig:
    """The rules in `path` (default: the active rules of the data directory, else the shipped
    rules); a CommandError when they cannot be read or are not valid."""
    path = path or active_rules(Path(settings.DATA_DIR))
    try:
        return load_rules(path)
    except (OSError, tomllib.TOMLDecodeError, RulesError, KeyError, ValueError) as error:
        message = _("Cannot use the rules file %(path)s: %(error)s")
        raise CommandError(message % {"path": path, "error": error}) from error


def write_fitted_rules(root: Path, fit: Fit, source: Path | None) -> Path:
    """The fitted rules as a file of the data directory's rules folder, named by version."""
    original = (source or active_rules(root) or DEFAULT_RULES).read_text(encoding="utf-8")
    path = root / "rules" / f"{fit.config.version}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rules_text(original, fit), encoding="utf-8")
    load_rules(path)  # what was written reads back as valid rules
    return path


@contextmanager
def scoring(description: str, *, quiet: bool) -> Iterator[None]:
    """A bar saying what runs (none when `quiet`); a ScoringError (an empty feed store, say)
    as a CommandError with its message."""
    try:
        with progress_bar(enabled=not quiet) as progress:
            progress.add_task(description, total=None)
            yield
    except ScoringError as error:
        raise CommandError(str(error)) from error


class ScoringCommand(LaborwatchCommand):
    """A command that scores the feed store (`score`, `risk-score`): --date, --rules, --quiet."""

    def add_arguments(self, parser: CommandParser) -> None:
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
        parser.add_argument(
            "--engine",
            choices=ENGINES,
            default=DUCKDB,
            help=_(
                "Engine that runs the definitions: duckdb (embedded, default) or spark (needs "
                'the optional dependency ".[spark]" and Java 17).'
            ),
        )
        parser.add_argument(
            "--feed-store",
            metavar="URI",
            help=_(
                "Spark only: the feed store to read, a path, hdfs://… or s3a://… (default: the "
                "data directory); the scores are copied back into the data directory."
            ),
        )
        parser.add_argument(
            "--spark-master",
            metavar="MASTER",
            help=_(
                "Spark only: the master, e.g. yarn or k8s://https://host:443 (default: "
                "$LABORWATCH_SPARK_MASTER, else local[2])."
            ),
        )

    def handle(
        self,
        *args: Any,
        date: dt.date | None,
        rules: Path | None,
        quiet: bool,
        engine: str,
        feed_store: str | None,
        spark_master: str | None,
        **options: Any,
    ) -> None:
        if engine != SPARK and (feed_store or spark_master):
            raise CommandError(_("--feed-store and --spark-master need --engine spark."))
        chosen = Engine(engine, feed_store=feed_store, spark_master=spark_master)
        self.score(as_of=date, config=rules_from(rules), quiet=quiet, engine=chosen)

    def score(
        self, *, as_of: dt.date | None, config: RulesConfig, quiet: bool, engine: Engine
    ) -> None:
        raise NotImplementedError
