"""The monthly report as a Word document (python-docx), the format the union's offices use."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from laborwatch.reports.monthly import sections
from laborwatch.reports.monthly.report import MonthlyReport
from laborwatch.reports.render.docx import FONT, table
from laborwatch.reports.render.issue import IssueMark, add_mark_docx, add_page_numbers_docx

CHART_WIDTH = Cm(16)
STYLED = ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet")


def _east_asian_font(document: Any) -> None:
    """Name the Chinese font on every style used: the template's headings point at the theme's
    East Asian font, which Word and LibreOffice resolve to a Latin face and then show boxes."""
    for name in STYLED:
        style = document.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        fonts.set(qn("w:eastAsia"), FONT)
    document.styles["Normal"].font.size = Pt(11)


def render_docx(report: MonthlyReport, out: Path, mark: IssueMark | None = None) -> Path:
    document = Document()
    _east_asian_font(document)
    add_page_numbers_docx(document)
    heading = document.add_heading(report.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_mark_docx(document, mark)
    document.add_paragraph(sections.subtitle(report)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in sections.monthly_blocks(report):
        if isinstance(block, sections.Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, sections.Text):
            document.add_paragraph(block.text, style="List Bullet" if block.bullet else None)
        elif isinstance(block, sections.Table):
            table(document, block.headers, block.rows)
            document.add_paragraph()
        elif isinstance(block, sections.Image):
            document.add_picture(io.BytesIO(block.chart.png), width=CHART_WIDTH)
            caption = document.add_paragraph(f"图：{block.chart.title}")
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.save(str(out))
    return out
