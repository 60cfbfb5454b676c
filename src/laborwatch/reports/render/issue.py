"""The marks of an issued report (发文单位, 文号, 签发时间, the period-closed note, a correction's
reason) and page numbers, as each renderer lays them out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


@dataclass(frozen=True)
class IssueMark:
    unit: str
    number: str
    issued_at: dt.datetime
    # Why the figures will not move: the period is over, counted at the time of issue.
    closed_note: str
    # For a correction: which report it corrects and what it changes.
    correction: str = ""

    def lines(self) -> list[str]:
        issued = f"{self.issued_at:%Y-%m-%d %H:%M}"
        lines = [
            f"发文单位：{self.unit}　文号：{self.number}　签发时间：{issued}",
            self.closed_note,
        ]
        return [*lines, self.correction] if self.correction else lines


# Page numbers of a printed HTML report (CSS paged media margin boxes; Chromium prints them).
HTML_PAGE_CSS = (
    "@page { size: A4; margin: 18mm 16mm; "
    '@bottom-center { content: "第 " counter(page) " 页"; font-size: 9pt; } }'
)


def mark_html(mark: IssueMark | None) -> str:
    if mark is None:
        return ""
    lines = "".join(f"<p>{escape(line)}</p>" for line in mark.lines())
    return f'<div class="issue-mark">{lines}</div>'


def add_mark_docx(document: Any, mark: IssueMark | None) -> None:
    if mark is None:
        return
    for line in mark.lines():
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER


def add_page_numbers_docx(document: Any) -> None:
    """ "第 N 页" centred in every section's footer, N a PAGE field Word fills in."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("第 ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)
        paragraph.add_run(" 页")
