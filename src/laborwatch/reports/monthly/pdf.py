"""The monthly report as PDF (ReportLab), the Chinese font embedded as a TrueType subset."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Image as PdfImage
from reportlab.platypus import Table as PdfTable

from laborwatch.reports.monthly import sections
from laborwatch.reports.monthly.report import MonthlyReport
from laborwatch.reports.render.font import FONT_NAME, cjk_font_file
from laborwatch.reports.render.issue import IssueMark

CHART_WIDTH = 16 * cm
TABLE_WIDTH = 17 * cm
# A column is given room for at most this many characters before it wraps.
WIDEST_COLUMN_CHARACTERS = 18


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT_NAME, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=17, leading=24, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, alignment=TA_CENTER, textColor=colors.grey),
        "h1": ParagraphStyle("h1", base, fontSize=14, leading=22, spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", base, fontSize=12, leading=18, spaceBefore=6, spaceAfter=2),
        "body": ParagraphStyle("body", base, spaceAfter=4),
        "bullet": ParagraphStyle("bullet", base, leftIndent=12, bulletIndent=0, spaceAfter=3),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11),
        "caption": ParagraphStyle("caption", base, fontSize=9, alignment=TA_CENTER),
    }


def _widths(block: sections.Table) -> list[float]:
    """Column widths after the longest text in each column, so names do not wrap needlessly."""
    lengths = [
        min(max(len(row[index]) for row in [block.headers, *block.rows]), WIDEST_COLUMN_CHARACTERS)
        + 2
        for index in range(len(block.headers))
    ]
    return [TABLE_WIDTH * length / sum(lengths) for length in lengths]


def _table(block: sections.Table, style: ParagraphStyle) -> PdfTable:
    rows = [
        [Paragraph(escape(cell), style) for cell in row] for row in [block.headers, *block.rows]
    ]
    table = PdfTable(rows, colWidths=_widths(block), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e5e3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _flowables(
    report: MonthlyReport, blocks: list[sections.Block], mark: IssueMark | None
) -> list[Flowable]:
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(escape(report.title), styles["title"]),
        *(Paragraph(escape(line), styles["subtitle"]) for line in (mark.lines() if mark else [])),
        Paragraph(escape(sections.subtitle(report)), styles["subtitle"]),
        Spacer(1, 8),
    ]
    for block in blocks:
        if isinstance(block, sections.Heading):
            story.append(Paragraph(escape(block.text), styles[f"h{block.level}"]))
        elif isinstance(block, sections.Text):
            if block.bullet:
                story.append(Paragraph(escape(block.text), styles["bullet"], bulletText="•"))
            else:
                story.append(Paragraph(escape(block.text), styles["body"]))
        elif isinstance(block, sections.Table):
            story += [_table(block, styles["cell"]), Spacer(1, 6)]
        elif isinstance(block, sections.Image):
            image = PdfImage(io.BytesIO(block.chart.png))
            image.drawHeight = CHART_WIDTH * image.imageHeight / image.imageWidth
            image.drawWidth = CHART_WIDTH
            story += [image, Paragraph(f"图：{escape(block.chart.title)}", styles["caption"])]
    return story


@cache
def _register_font() -> None:
    # Once per process: ReportLab embeds only the glyphs each document uses.
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(cjk_font_file())))


def _page_number(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(FONT_NAME, 9)
    canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"第 {document.page} 页")
    canvas.restoreState()


def render_pdf(report: MonthlyReport, out: Path, mark: IssueMark | None = None) -> Path:
    blocks = sections.monthly_blocks(report)
    _register_font()
    document = SimpleDocTemplate(
        str(out),
        pagesize=A4,
        title=report.title,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    document.build(
        _flowables(report, blocks, mark), onFirstPage=_page_number, onLaterPages=_page_number
    )
    return out
