"""`laborwatch report monthly`: the monthly hotline analysis as Word, HTML or PDF."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Any

FORMATS = ("docx", "html", "pdf")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _month(text: str) -> dt.date | None:
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def _format(args: argparse.Namespace) -> str | None:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def cmd_report_monthly(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from laborwatch.core.models import OrgUnit
    from laborwatch.reports.monthly.output import write_monthly_report
    from laborwatch.reports.monthly.selectors import city_monthly_report

    month = _month(args.month)
    if month is None:
        print(
            _("Write the month as YYYY-MM, e.g. 2026-10: %(value)s") % {"value": args.month},
            file=sys.stderr,
        )
        return 2
    today = timezone.localdate()
    if month > today.replace(day=1):
        print(
            _("%(month)s has not begun yet: choose this month or an earlier one.")
            % {"month": args.month},
            file=sys.stderr,
        )
        return 2
    file_format = _format(args)
    if file_format is None:
        print(
            _("Give --format docx, html or pdf, or an output file ending in one of them."),
            file=sys.stderr,
        )
        return 2
    district = None
    if args.district:
        district = OrgUnit.objects.filter(code=args.district, kind=OrgUnit.Kind.DISTRICT).first()
        if district is None:
            print(
                _("No district union has the code %(code)s.") % {"code": args.district},
                file=sys.stderr,
            )
            return 2
    report = city_monthly_report(month=month, district=district)
    try:
        path = write_monthly_report(report, Path(args.out), file_format)
    except OSError as error:
        print(
            _("Cannot write %(path)s: %(error)s") % {"path": args.out, "error": error},
            file=sys.stderr,
        )
        return 1
    print(
        _("%(title)s: %(total)d demands, %(emerging)d emerging issues, %(suggestions)d suggestions")
        % {
            "title": report.title,
            "total": report.total,
            "emerging": len(report.emerging_categories) + len(report.emerging_terms),
            "suggestions": len(report.suggestions),
        }
    )
    print(_("Monthly report written to %(path)s") % {"path": path})
    return 0


def add_monthly_command(kinds: Any) -> None:
    monthly = kinds.add_parser("monthly", help="12351热线月度分析报告（DOCX、HTML 或 PDF）")
    monthly.add_argument("--month", required=True, help="报告月份，格式 YYYY-MM")
    monthly.add_argument("--format", choices=FORMATS, help="输出格式（默认按文件扩展名）")
    monthly.add_argument("--out", required=True, help="输出文件")
    monthly.add_argument("--district", help="只统计一个区（市）：属地工会代码，如 shinan")
    monthly.set_defaults(func=cmd_report_monthly)
