"""Write the daily report as HTML or Word, by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from laborwatch.reports.daily.docx import render_docx
from laborwatch.reports.daily.report import DailyReport, render_html


def write_report(report: DailyReport, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        out.write_text(render_html(report), encoding="utf-8")
    elif suffix == ".docx":
        render_docx(report, out)
    else:
        raise ValueError(f"不支持的报告格式：{out.suffix}（请用 .html 或 .docx）")
    return out
