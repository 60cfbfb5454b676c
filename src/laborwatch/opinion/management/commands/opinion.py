"""`laborwatch opinion ingest FILE | export --format xlsx|jsonl --out FILE`: monitored posts in
(a vendor's export), the verification list out (the list layout, or JSON lines with the posts
of each event)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.core.audit import record_event
from laborwatch.lib.commands import (
    LaborwatchCommand,
    add_quiet_argument,
    cannot_write,
    existing_file,
    progress_bar,
    require_sound_configuration,
)
from laborwatch.lib.xlsx import xlsx_write
from laborwatch.opinion.export import list_headers, list_rows, with_list_relations, write_jsonl
from laborwatch.opinion.messages import file_message, row_message
from laborwatch.opinion.models import Event
from laborwatch.opinion.services import IngestReport, opinion_ingest_file
from laborwatch.opinion.statuses import EventStatus

ACTOR_LABEL = "cli"
# Row errors printed on the console; the rest are counted.
ERRORS_SHOWN = 100


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Public-opinion posts in from a vendor's export; the verification list out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{ingest,export}")
        ingest = actions.add_parser(
            "ingest",
            help=_(
                "Load a vendor's export of posts (JSONL, CSV in UTF-8 or GBK, XLSX), triage "
                "them and cluster them into events."
            ),
        )
        ingest.add_argument("file", type=existing_file, help=_("File path."))
        ingest.add_argument(
            "--source",
            default="",
            help=_("Name of the source, e.g. the vendor (default: file name)."),
        )
        add_quiet_argument(ingest)
        export = actions.add_parser("export", help=_("Write the verification list to a file."))
        export.add_argument(
            "--format", dest="file_format", choices=["xlsx", "jsonl"], required=True,
            help=_("xlsx: the list layout; jsonl: each event with the posts it holds."),
        )  # fmt: skip
        export.add_argument("--out", type=Path, required=True, help=_("File to write."))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        require_sound_configuration()
        if action == "ingest":
            self.ingest(**options)
        else:
            self.export(**options)

    def ingest(self, *, file: Path, source: str, quiet: bool, **options: Any) -> None:
        with progress_bar(enabled=not quiet) as progress:
            task = progress.add_task(_("Posts from %(name)s") % {"name": file.name}, total=None)
            report = opinion_ingest_file(
                path=file,
                source=source or file.name,
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        if report.file_error is not None:
            raise CommandError(file_message(report.file_error, report.file_error_detail))
        self.stdout.write(summary(report))
        for error in report.errors[:ERRORS_SHOWN]:
            self.stdout.write("  " + row_message(error))
        if len(report.errors) > ERRORS_SHOWN:
            self.stdout.write(
                _("  … and %(count)d more problems.") % {"count": len(report.errors) - ERRORS_SHOWN}
            )

    def export(self, *, file_format: str, out: Path, **options: Any) -> None:
        rows = Event.objects.order_by("-heat", "-pk")
        try:
            if file_format == "jsonl":
                with out.open("w", encoding="utf-8") as handle:
                    count = write_jsonl(rows, handle)
            else:
                listed = list(
                    with_list_relations(
                        rows.filter(on_list=True).exclude(status=EventStatus.MERGED)
                    )
                )
                count = len(listed)
                xlsx_write(
                    out,
                    title=_("Public-opinion verification list"),
                    headers=list_headers(),
                    rows=list_rows(listed),
                )
        except OSError as error:
            raise cannot_write(out) from error
        record_event(
            actor=None,
            actor_label=ACTOR_LABEL,
            action="opinion_event.export",
            target_type="opinion.event",
            target_label=str(count),
            after={"rows": count, "format": file_format, "file": str(out)},
            at=timezone.now(),
        )
        self.stdout.write(_("%(count)d events written to %(path)s") % {"count": count, "path": out})


def summary(report: IngestReport) -> str:
    return _(
        "%(rows)d rows read: %(stored)d new posts, %(updated)d updated counts, %(unchanged)d "
        "unchanged, %(refused)d rows refused; %(created)d new events, %(events)d events updated."
    ) % {
        "rows": report.rows,
        "stored": report.stored,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "refused": report.refused,
        "created": report.events_created,
        "events": report.events_updated,
    }
