"""Excel exports: a write-only workbook streamed as an HTTP download.

Every export goes through here because text in a cell may have come from outside (a caller's
name pushed by the hotline, an employer named in a post, a reveal reason): such text is
written as text, never as a formula, and characters XML cannot hold are dropped instead of
failing the whole export.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The control characters an XML 1.0 document cannot contain (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A spreadsheet reads a cell starting with one of these as a formula (or a DDE call); the
# leading tab, CR and LF are OWASP's CSV-injection list too (they hide a formula after them).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def xlsx_response(
    *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(title=title, headers=headers, rows=rows), content_type=XLSX_TYPE
    )
    # RFC 5987 so a Chinese file name survives every browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_write(
    path: Path, *, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """The same workbook written to a file (command-line exports)."""
    path.write_bytes(xlsx_bytes(title=title, headers=headers, rows=rows))


def xlsx_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = _ILLEGAL.sub("", value)
    if not text.startswith(_FORMULA_START):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    # Stored as a string with Excel's quote prefix, so it stays text even when edited.
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
