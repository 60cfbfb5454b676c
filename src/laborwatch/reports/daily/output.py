"""Write the daily report as HTML or Word, by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from laborwatch.reports.daily.docx import render_docx
from laborwatch.reports.daily.report import DailyReport, render_html
from laborwatch.reports.render.issue import IssueMark


def write_report(report: DailyReport, out: Path, mark: IssueMark | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        out.write_text(render_html(report, mark), encoding="utf-8")
    elif suffix == ".docx":
        render_docx(report, out, mark)
    else:
        message = _("Unsupported report format %(suffix)s: write .html or .docx.")
        raise ValueError(message % {"suffix": out.suffix or out.name})
    return out
