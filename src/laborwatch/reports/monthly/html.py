"""The monthly report as one self-contained HTML file: inline CSS, charts as data: URIs."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from laborwatch.reports.monthly import sections
from laborwatch.reports.monthly.report import MonthlyReport
from laborwatch.reports.render.issue import HTML_PAGE_CSS, IssueMark, mark_html

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
       SimSun, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { text-align: center; font-size: 1.6em; }
p.subtitle { text-align: center; color: #666; }
h2 { border-bottom: 2px solid #c0392b; padding-bottom: .2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .8em 0; width: 100%; font-size: .92em; }
th, td { border: 1px solid #999; padding: .3em .5em; text-align: left; }
th { background: #f3e5e3; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; }
figcaption { color: #555; font-size: .9em; }
.issue-mark { text-align: center; color: #444; font-size: .9em; }
.issue-mark p { margin: .2em 0; }
"""


def _block_html(block: sections.Block) -> str:
    if isinstance(block, sections.Heading):
        tag = f"h{block.level + 1}"
        return f"<{tag}>{escape(block.text)}</{tag}>"
    if isinstance(block, sections.Text):
        return (
            f"<ul><li>{escape(block.text)}</li></ul>"
            if block.bullet
            else f"<p>{escape(block.text)}</p>"
        )
    if isinstance(block, sections.Table):
        head = "".join(f"<th>{escape(cell)}</th>" for cell in block.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    data = base64.b64encode(block.chart.png).decode("ascii")
    title = escape(block.chart.title)
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{title}">'
        f"<figcaption>图：{title}</figcaption></figure>"
    )


def render_html(report: MonthlyReport, out: Path, mark: IssueMark | None = None) -> Path:
    body = "\n".join(_block_html(block) for block in sections.monthly_blocks(report))
    out.write_text(
        "<!doctype html>\n"
        f'<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(report.title)}</title>'
        f"<style>{STYLE}{HTML_PAGE_CSS}</style></head><body>"
        f"<h1>{escape(report.title)}</h1>{mark_html(mark)}"
        f'<p class="subtitle">{escape(sections.subtitle(report))}</p>\n{body}\n</body></html>\n',
        encoding="utf-8",
    )
    return out
