"""Excel exports: a workbook written a row at a time and sent as an HTTP download.

Every export goes through here because text in a cell may have come from outside (a caller's
name pushed by the hotline, an employer named in a post, a reveal reason): such text is
written as text, never as a formula, and characters XML cannot hold are dropped instead of
failing the whole export.

The writer is XlsxWriter in its constant-memory mode (each row written out to a temporary
file as soon as the next begins, strings inline): at 8,500 rows of 15 columns it takes about
two thirds of the CPU time of openpyxl's write-only mode, and memory stays flat at 100,000
rows (benchmarks/export_speed.py). Only its typed calls are used (`write_string`,
`write_number` …), never the guessing `write`, so that no text is ever read as a formula, a
number or a link.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The control characters an XML 1.0 document cannot contain (dropped, not escaped).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A spreadsheet reads a cell starting with one of these as a formula (or a DDE call); the
# leading tab, CR and LF are OWASP's CSV-injection list too (they hide a formula after them).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# The number formats openpyxl gave dates and times, so that a reader sees the same cells.
_DATE_FORMATS = {
    dt.datetime: "yyyy-mm-dd h:mm:ss",
    dt.date: "yyyy-mm-dd",
    dt.time: "h:mm:ss",
}


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
    """One sheet named `title` (cut to Excel's 31 characters): the headers in bold, then the
    rows. Text is written as text (quote-prefixed when a spreadsheet would read it as a
    formula), numbers as numbers, dates and times as dates, None as an empty cell."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            # Belt and braces: the typed calls below never convert, nor would `write`.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        sheet = workbook.add_worksheet(title[:31])
        write = _CellWriter(workbook, sheet)
        bold = workbook.add_format({"bold": True})
        for column, header in enumerate(headers):
            sheet.write_string(0, column, str(header), bold)
        for number, row in enumerate(rows, 1):
            for column, value in enumerate(row):
                write(number, column, value)
    finally:
        workbook.close()
    return buffer.getvalue()


class _CellWriter:
    """Writes one value into a cell by its type (the one place outside text is guarded)."""

    def __init__(self, workbook: Any, sheet: Any) -> None:
        self.string: Callable[..., int] = sheet.write_string
        self.number: Callable[..., int] = sheet.write_number
        self.boolean: Callable[..., int] = sheet.write_boolean
        self.datetime: Callable[..., int] = sheet.write_datetime
        # Stored as a string with Excel's quote prefix, so it stays text even when edited.
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.dates = {
            kind: workbook.add_format({"num_format": pattern})
            for kind, pattern in _DATE_FORMATS.items()
        }

    def __call__(self, row: int, column: int, value: Any) -> None:
        if isinstance(value, str):
            text = _ILLEGAL.sub("", value)
            if text.startswith(_FORMULA_START):
                self.string(row, column, text, self.quoted)
            elif text:
                self.string(row, column, text)
        elif value is None:
            return
        elif isinstance(value, bool):
            self.boolean(row, column, value)
        elif isinstance(value, int | float | Decimal):
            self.number(row, column, value)
        elif isinstance(value, dt.date | dt.time):
            kind = dt.datetime if isinstance(value, dt.datetime) else type(value)
            self.datetime(row, column, value, self.dates[kind])
        else:
            raise TypeError(f"no spreadsheet cell for a {type(value).__name__} value")
