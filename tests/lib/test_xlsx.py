"""The one Excel writer: outside text stays text, and no character breaks an export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from laborwatch.lib.xlsx import xlsx_bytes


def _read(rows):
    data = xlsx_bytes(title="导出", headers=["甲", "乙", "丙"], rows=rows)
    sheet = load_workbook(io.BytesIO(data)).active
    return [
        [(cell.value, cell.data_type, cell.quotePrefix) for cell in row]
        for row in sheet.iter_rows(min_row=2)
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
        [("XY", "s", False), ("正常", "s", False), (None, "inlineStr", False)]
    ]


def test_numbers_and_dates_keep_their_type() -> None:
    assert _read([[-5, 1.5, None]]) == [[(-5, "n", False), (1.5, "n", False), (None, "n", False)]]
