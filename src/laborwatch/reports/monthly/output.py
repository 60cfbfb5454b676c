"""Writes the monthly report in the format asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from laborwatch.reports.monthly.docx import render_docx
from laborwatch.reports.monthly.html import render_html
from laborwatch.reports.monthly.pdf import render_pdf
from laborwatch.reports.monthly.report import MonthlyReport
from laborwatch.reports.render.issue import IssueMark

RENDERERS: dict[str, Callable[[MonthlyReport, Path, IssueMark | None], Path]] = {
    "docx": render_docx,
    "html": render_html,
    "pdf": render_pdf,
}


def write_monthly_report(
    report: MonthlyReport, out: Path, file_format: str, mark: IssueMark | None = None
) -> Path:
    return RENDERERS[file_format](report, out, mark)
