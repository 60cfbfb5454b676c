"""`laborwatch registry sync FILE`: a registry delta applied (new, changed, deregistered,
abnormal), idempotently, with the rejected rows listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.enterprises.sync import registry_sync
from laborwatch.lib.commands import (
    LaborwatchCommand,
    add_quiet_argument,
    existing_file,
    progress_bar,
)
from laborwatch.risk.store import SourceError, read_source

# Rejected rows printed on the console; the rest are counted.
ERRORS_SHOWN = 100


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Apply a registry delta: new, changed (a rename keeps the former name), deregistered "
        "and abnormal enterprises."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{sync}")
        sync = actions.add_parser(
            "sync",
            help=_(
                "Apply a delta file (CSV in UTF-8 or GBK, XLSX, Parquet) with the columns "
                "credit_code, change (new, changed, deregistered, abnormal) and the registry "
                "fields; applying it again changes nothing."
            ),
        )
        sync.add_argument("file", type=existing_file, help=_("File path."))
        add_quiet_argument(sync)

    def handle(self, *args: Any, action: str, file: Path, quiet: bool, **options: Any) -> None:
        try:
            table, first_row = read_source(file)
        except SourceError as error:
            raise CommandError(str(error)) from error
        if "credit_code" not in table.column_names or "change" not in table.column_names:
            raise CommandError(_("The delta file needs the columns credit_code and change."))
        with progress_bar(enabled=not quiet) as progress:
            progress.add_task(_("Applying the registry delta…"), total=None)
            report = registry_sync(actor=None, table=table, first_row=first_row, now=timezone.now())
        counts = report.counts
        self.stdout.write(
            _(
                "Registry delta applied: %(created)s new, %(renamed)s renamed, %(changed)s "
                "changed, %(deregistered)s deregistered, %(abnormal)s listed abnormal, "
                "%(unchanged)s unchanged, %(rejected)s rejected"
            )
            % {
                "created": counts["created"],
                "renamed": counts["renamed"],
                "changed": counts["changed"],
                "deregistered": counts["deregistered"],
                "abnormal": counts["abnormal"],
                "unchanged": counts["unchanged"],
                "rejected": len(report.rejected),
            }
        )
        for rejected in report.rejected[:ERRORS_SHOWN]:
            self.stdout.write(
                _("  row %(row)d, %(field)s: %(reason)s")
                % {"row": rejected.row, "field": rejected.field, "reason": rejected.message}
            )
        if len(report.rejected) > ERRORS_SHOWN:
            self.stdout.write(
                _("  … and %(count)d more rejected rows")
                % {"count": len(report.rejected) - ERRORS_SHOWN}
            )
