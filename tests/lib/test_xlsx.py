"""The one Excel writer: outside text stays text, and no character breaks an export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from laborwatch.lib.xlsx import xlsx_bytes


def _text(value):
    # A carriage return is stored as Excel's own escape (_x000D_), which Excel and
    # LibreOffice show as the character; openpyxl leaves the escape as it is when reading.
    return unescape(value) if isinstance(value, str) else value


def _read(rows):
    data = xlsx_bytes(title="导出", headers=["甲", "乙", "丙"], rows=rows)
    sheet = load_workbook(io.BytesIO(data)).active
    return [
        [(_text(cell.value), cell.data_type, cell.quotePrefix) for cell in row]
        for row in sheet.iter_rows(min_row=2, max_col=3)
    ]


def test_formula_like_text_is_written_as_quoted_text() -> None:
    rows = _read(
        [
            ['=HYPERLINK("http://evil.example","x")', "+86 123", "@SUM(A1)"],
            ["-5", "\t=1", "a=b"],
            ["\n=1+1", "\r=1", "1=1"],
        ]
    )
    assert rows == [
        [
            ('=HYPERLINK("http://evil.example","x")', "s", True),
            ("+86 123", "s", True),
            ("@SUM(A1)", "s", True),
        ],
        [("-5", "s", True), ("\t=1", "s", True), ("a=b", "s", False)],
        [("\n=1+1", "s", True), ("\r=1", "s", True), ("1=1", "s", False)],
    ]


def test_characters_xml_cannot_hold_are_dropped_not_fatal() -> None:
    assert _read([["X\x1b\x0bY", "正常", "\x00"]]) == [
        [("XY", "s", False), ("正常", "s", False), (None, "n", False)]
    ]


def test_text_that_looks_like_an_escape_stays_literal() -> None:
    data = xlsx_bytes(title="导出", headers=["甲"], rows=[["_x003D_1", "a\r\nb"]])
    cells = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
    assert [unescape(value) for value in cells] == ["_x003D_1", "a\r\nb"]


def test_numbers_and_dates_keep_their_type() -> None:
    assert _read([[-5, 1.5, None], [Decimal("12345.50"), True, 0]]) == [
        [(-5, "n", False), (1.5, "n", False), (None, "n", False)],
        [(12345.5, "n", False), (True, "b", False), (0, "n", False)],
    ]
    stamp = dt.datetime(2026, 5, 1, 8, 30, 15)
    data = xlsx_bytes(title="导出", headers=["日"], rows=[[stamp.date(), stamp, stamp.time()]])
    cells = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))
    assert [(cell.value, cell.number_format) for cell in cells] == [
        (dt.datetime(2026, 5, 1), "yyyy-mm-dd"),
        (stamp, "yyyy-mm-dd h:mm:ss"),
        (stamp.time(), "h:mm:ss"),
    ]


def test_headers_are_bold_and_the_title_is_cut_to_excel_s_limit() -> None:
    data = xlsx_bytes(title="长" * 40, headers=["甲", "乙"], rows=[])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "长" * 31
    assert [(cell.value, cell.font.b) for cell in sheet[1]] == [("甲", True), ("乙", True)]
    assert sheet.max_row == 1


def test_a_value_with_no_cell_type_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="no spreadsheet cell for a dict value"):
        xlsx_bytes(title="导出", headers=["甲"], rows=[[{"a": 1}]])
