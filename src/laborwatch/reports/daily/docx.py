"""The daily report as a Word document (python-docx), for leaders who forward it as a file."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from laborwatch.reports.daily.report import (
    DailyReport,
    district_headers,
    grade_headers,
    summary,
    title,
)
from laborwatch.reports.render.docx import FONT, table
from laborwatch.reports.render.issue import IssueMark, add_mark_docx, add_page_numbers_docx


def render_docx(report: DailyReport, out: Path, mark: IssueMark | None = None) -> Path:
    document = Document()
    add_page_numbers_docx(document)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    heading = document.add_heading(title(report), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_mark_docx(document, mark)
    document.add_paragraph(
        f"统计范围：{report.scope}　生成时间：{report.generated_at:%Y-%m-%d %H:%M}"
    )

    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(summary(report))
    table(
        document,
        ["变化", *grade_headers(), "合计"],
        [
            [name, *(f"{n:,}" for n in counts), f"{total:,}"]
            for name, counts, total in report.change_rows()
        ]
        + [
            [
                "在办",
                *(f"{report.active[g]:,}" for g in report.active),
                f"{report.active_total:,}",
            ]
        ],
    )

    document.add_heading("二、分区市情况", level=1)
    table(
        document,
        ["区市", *district_headers()],
        [[label, *(f"{n:,}" for n in counts)] for label, counts in report.district_rows()],
    )

    document.add_heading("三、重点企业", level=1)
    if not report.top:
        document.add_paragraph("当日无在办预警。")
    for index, top in enumerate(report.top, 1):
        document.add_heading(
            f"{index}. {top.enterprise}（{top.grade}预警 · {top.risk_type}）", level=2
        )
        document.add_paragraph(
            f"预警编号 {top.number}；统一社会信用代码 {top.credit_code}；属地 {top.district}；"
            f"风险分值 {top.score:.1f}；首次预警 {top.first_seen_on:%Y-%m-%d}。"
        )
        for line in top.evidence:
            document.add_paragraph(line, style="List Bullet")

    document.add_heading("四、新发重大舆情", level=1)
    if not report.grave_events:
        document.add_paragraph("当日无新发重大舆情事件。")
    else:
        table(
            document,
            ["编号", "舆情标题", "属地", "涉及企业", "首发时间", "热度", "状态"],
            [
                [
                    event.number,
                    event.title,
                    event.district,
                    event.enterprise or "—",
                    f"{event.first_seen_at:%Y-%m-%d %H:%M}",
                    f"{event.heat:.1f}",
                    event.status,
                ]
                for event in report.grave_events
            ],
        )
    document.save(str(out))
    return out
