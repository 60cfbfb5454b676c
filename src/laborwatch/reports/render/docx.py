"""What the daily and monthly Word reports share: the body font and the plain grid table."""

from __future__ import annotations

from typing import Any

FONT = "宋体"  # present on every Chinese Windows desktop; Word substitutes elsewhere


def table(document: Any, headers: list[str], rows: list[list[str]]) -> Any:
    """A grid table with a bold header row."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return grid
