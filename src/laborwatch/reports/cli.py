"""`laborwatch report daily`: the daily enterprise early-warning report as HTML or Word."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from laborwatch.reports.monthly.cli import add_monthly_command


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from error


def cmd_report_daily(args: argparse.Namespace) -> int:
    _django()
    from laborwatch.reports.daily.output import write_report
    from laborwatch.reports.daily.report import daily_report, latest_report_day, summary

    day = args.date or latest_report_day()
    if day is None:
        print("尚无预警数据：请先运行 laborwatch score", file=sys.stderr)
        return 1
    report = daily_report(day)
    try:
        path = write_report(report, Path(args.out))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(summary(report))
    print(f"日报已写入：{path}")
    return 0


def add_report_commands(subparsers: Any) -> None:
    report = subparsers.add_parser("report", help="生成报告（企业风险预警日报）")
    kinds = report.add_subparsers(dest="report", required=True)
    daily = kinds.add_parser("daily", help="企业风险预警日报（HTML 或 DOCX）")
    daily.add_argument("--date", type=_date, help="报告日期（默认最近一次同步的评分日期）")
    daily.add_argument("--out", required=True, help="输出文件（.html 或 .docx）")
    daily.set_defaults(func=cmd_report_daily)
    add_monthly_command(kinds)
