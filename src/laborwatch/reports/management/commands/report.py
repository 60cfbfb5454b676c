"""`laborwatch report daily|monthly`: the daily early-warning report (HTML, Word) and the monthly
12351 hotline analysis (Word, HTML, PDF)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.core.models import OrgUnit
from laborwatch.lib.commands import (
    USAGE_ERROR,
    LaborwatchCommand,
    cannot_write,
    date_argument,
    month_argument,
)
from laborwatch.reports.daily.output import write_report
from laborwatch.reports.daily.report import daily_report, latest_report_day, summary
from laborwatch.reports.monthly.output import write_monthly_report
from laborwatch.reports.monthly.selectors import city_monthly_report

MONTHLY_FORMATS = ("docx", "html", "pdf")


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Write a report: the daily early-warning report or the monthly analysis."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{daily,monthly}")
        daily = kinds.add_parser(
            "daily", help=_("The daily enterprise early-warning report (HTML or DOCX).")
        )
        daily.add_argument(
            "--date",
            type=date_argument,
            help=_("Report day, YYYY-MM-DD (default: the last day warnings were synced)."),
        )
        daily.add_argument(
            "--out", type=Path, required=True, help=_("Output file (.html or .docx).")
        )
        monthly = kinds.add_parser(
            "monthly", help=_("The monthly 12351 hotline analysis (DOCX, HTML or PDF).")
        )
        monthly.add_argument(
            "--month", type=month_argument, required=True, help=_("Report month, YYYY-MM.")
        )
        monthly.add_argument(
            "--format",
            choices=MONTHLY_FORMATS,
            help=_("Output format (default: by the file's extension)."),
        )
        monthly.add_argument("--out", type=Path, required=True, help=_("Output file."))
        monthly.add_argument(
            "--district",
            help=_("Count one district only: its district union's code, e.g. shinan."),
        )

    def handle(self, *args: Any, kind: str, **options: Any) -> None:
        if kind == "daily":
            self.daily(day=options["date"], out=options["out"])
        else:
            self.monthly(
                month=options["month"],
                file_format=options["format"],
                out=options["out"],
                district_code=options["district"],
            )

    def daily(self, *, day: dt.date | None, out: Path) -> None:
        day = day or latest_report_day()
        if day is None:
            raise CommandError(_("No warnings yet: run laborwatch score first."))
        report = daily_report(day)
        try:
            path = write_report(report, out)
        except ValueError as error:
            raise CommandError(str(error), returncode=USAGE_ERROR) from error
        except OSError as error:
            raise cannot_write(out) from error
        self.stdout.write(summary(report))
        self.stdout.write(_("Daily report written to %(path)s") % {"path": path})

    def monthly(
        self, *, month: dt.date, file_format: str | None, out: Path, district_code: str | None
    ) -> None:
        if month > timezone.localdate().replace(day=1):
            message = _("%(month)s has not begun yet: choose this month or an earlier one.")
            raise CommandError(message % {"month": f"{month:%Y-%m}"}, returncode=USAGE_ERROR)
        file_format = file_format or _format_of(out)
        if file_format is None:
            raise CommandError(
                _("Give --format docx, html or pdf, or an output file ending in one of them."),
                returncode=USAGE_ERROR,
            )
        district = None
        if district_code:
            district = OrgUnit.objects.filter(
                code=district_code, kind=OrgUnit.Kind.DISTRICT
            ).first()
            if district is None:
                message = _("No district union has the code %(code)s.")
                raise CommandError(message % {"code": district_code}, returncode=USAGE_ERROR)
        report = city_monthly_report(month=month, district=district)
        try:
            path = write_monthly_report(report, out, file_format)
        except OSError as error:
            raise cannot_write(out) from error
        self.stdout.write(
            _(
                "%(title)s: %(total)d demands, %(emerging)d emerging issues, "
                "%(suggestions)d suggestions"
            )
            % {
                "title": report.title,
                "total": report.total,
                "emerging": len(report.emerging_categories) + len(report.emerging_terms),
                "suggestions": len(report.suggestions),
            }
        )
        self.stdout.write(_("Monthly report written to %(path)s") % {"path": path})


def _format_of(out: Path) -> str | None:
    suffix = out.suffix.lower().lstrip(".")
    return suffix if suffix in MONTHLY_FORMATS else None
