"""`laborwatch ingest`: validate data-feed files and store them for scoring (the risk engine)."""

from __future__ import annotations

import datetime as dt
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
from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, Arrived, ingest_file, ingest_folder
from laborwatch.warnings.management.risk_engine import open_feed_store


class Command(LaborwatchCommand):
    summary = gettext_lazy("Load data-feed files (CSV, XLSX, Parquet) into the feed store.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", choices=sorted(FEEDS), help=_("Data feed."))
        parser.add_argument("path", nargs="?", type=Path, help=_("File path."))
        parser.add_argument(
            "--all",
            dest="folder",
            metavar="DIR",
            type=Path,
            help=_("Load every data feed in a directory made by laborwatch synth."),
        )
        parser.add_argument(
            "--today",
            type=date_argument,
            help=_('The "today" that future dates are checked against (for tests).'),
        )
        parser.add_argument(
            "--arrived",
            type=_arrived_argument,
            metavar="YYYY-MM-DD|calendar",
            help=_(
                "When the rows arrived: a day, or calendar (each row on the day the arrival "
                "calendar says its month or event was due, for a history loaded at once). "
                "Default: today."
            ),
        )
        add_quiet_argument(parser)

    def handle(
        self,
        *args: Any,
        source: str | None,
        path: Path | None,
        folder: Path | None,
        today: dt.date | None,
        arrived: Arrived,
        quiet: bool,
        **options: Any,
    ) -> None:
        if folder is None and (source is None or path is None):
            raise CommandError(
                _("Usage: laborwatch ingest SOURCE PATH, or laborwatch ingest --all DIR"),
                returncode=USAGE_ERROR,
            )
        if folder is not None and not folder.is_dir():
            raise CommandError(_("%(path)s is not a directory.") % {"path": folder})
        root = open_feed_store(self.stdout)
        with progress_bar(enabled=not quiet) as progress:
            if folder is not None:
                reports = ingest_folder(
                    root, folder, today=today, arrived=arrived, progress=progress
                )
            else:
                assert source is not None and path is not None  # checked above
                reports = [
                    ingest_file(root, source, path, today=today, arrived=arrived, progress=progress)
                ]
        for report in reports:
            self.stdout.write(report.summary())
            if report.rejects_path:
                self.stdout.write(_("  Rejected rows: %(path)s") % {"path": report.rejects_path})
        refused = [report for report in reports if report.status == "refused"]
        self.stdout.write(
            _(
                "Total: %(files)d files, %(taken)s rows taken, %(rejected)s rows rejected, "
                "%(refused)d files refused whole"
            )
            % {
                "files": len(reports),
                "taken": f"{sum(r.rows_taken for r in reports):,}",
                "rejected": f"{sum(r.rows_rejected for r in reports if r.status == 'loaded'):,}",
                "refused": len(refused),
            }
        )
        if refused:
            raise CommandError(
                _("%(count)d files were refused whole (see above).") % {"count": len(refused)}
            )


def _arrived_argument(text: str) -> Arrived:
    """`calendar`, or a day written YYYY-MM-DD."""
    return ARRIVAL_CALENDAR if text.strip() == ARRIVAL_CALENDAR else date_argument(text)
