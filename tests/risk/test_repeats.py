"""Repeated keys settled a range of groups at a time give what settling the whole file gives:
the same stored rows, row report and counts, whatever the ranges."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from laborwatch.risk import repeats, store
from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.ingest import IngestReport, ingest_file
from tests.risk.helpers import code

TODAY = dt.date(2026, 11, 26)
SI_HEADER = "费款所属期,统一社会信用代码,单位名称,险种,缴费人数,应缴金额,实缴金额,欠缴金额"
KINDS = ("基本养老保险", "基本医疗保险", "失业保险", "工伤保险", "生育保险")


def _si_lines() -> list[str]:
    """Social insurance rows with every kind of repeat, groups of adjacent rows and groups
    whose rows lie far apart (a key's first row early in the file, its others at the end)."""
    lines = [SI_HEADER]
    for number in range(1, 13):  # one row per 险种: combined
        for index, kind in enumerate(KINDS):
            lines.append(f"202609,{code(number)},公司{number},{kind},{20 + index},1000,900,100")
    lines.append(f"202609,{code(20)},公司20,基本养老保险,5,800,800,0")  # far apart, below
    lines.append(f"202609,{code(21)},公司21,基本养老保险,5,800,800,0")  # a bad row, below
    lines.append(f"202609,{code(22)},公司22,基本养老保险,7,1000,1000,0")
    lines.append(f"202609,{code(22)},公司22,基本养老保险,7,1000,1000,0")  # sent twice
    lines.append(f"202609,{code(23)},公司23,基本养老保险,7,1000,1000,0")  # conflicts, below
    lines.append(f"202609,{code(24)},公司24,基本养老保险,7,1000,1000,0")  # disagrees, below
    lines.append(f"202610,{code(25)},公司25,基本养老保险,7,1000,1000,0")  # alone: no repeat
    for number in range(30, 40):  # repeated keys of ten enterprises in a row, then again
        lines.append(f"202608,{code(number)},公司{number},工伤保险,3,100,100,0")
    for number in range(30, 40):
        lines.append(f"202608,{code(number)},公司{number},失业保险,3,50,50,0")
    lines.append(f"202609,{code(20)},公司20,基本医疗保险,5,400,300,100")
    lines.append(f"202609,{code(21)},公司21,基本医疗保险,5,400,-1,100")
    lines.append(f"202609,{code(23)},公司23,基本养老保险,8,1000,1000,0")
    lines.append(f"202609,{code(24)},公司廿四,基本医疗保险,7,1000,1000,0")
    lines.append(f"202609,{code(22)},公司22,基本养老保险,7,1000,1000,0")  # a third time
    return lines


def _tax_lines() -> list[str]:
    """Tax rows (no rollup): duplicates and conflicts, near and far apart."""
    lines = ["月份,统一社会信用代码,应税收入,实缴税额"]
    lines += [f"2026-09,{code(number)},{1000 + number},5" for number in range(1, 30)]
    lines += [f"2026-09,{code(number)},{1000 + number},5" for number in range(1, 30, 3)]
    lines += [f"2026-09,{code(number)},1,5" for number in range(2, 30, 7)]
    return lines


def _ingest(root: Path, feed: str, lines: list[str], tmp_path: Path) -> IngestReport:
    path = tmp_path / f"{feed}.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    return ingest_file(root, feed, path, today=TODAY)


def _outcome(root: Path, feed: str, report: IngestReport) -> tuple:
    """Everything a batch leaves: its counts and reasons, its stored rows, its row report."""
    files = store.feed_files(root, FEEDS[feed])
    columns = [column.name for column in FEEDS[feed].columns]
    table = pa.concat_tables([pq.read_table(path, columns=columns) for path in files])
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as handle:
        lines = [tuple(row) for row in csv.reader(handle)]
    counts = (
        report.status,
        report.rows_read,
        report.rows_taken,
        report.rows_rejected,
        report.rows_duplicate,
        report.rows_combined,
        dict(report.reasons),
    )
    return counts, table.to_pylist(), lines


@pytest.mark.parametrize(
    ("feed", "lines"), [("social_insurance", _si_lines()), ("tax", _tax_lines())]
)
def test_settled_a_few_rows_at_a_time_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, feed: str, lines: list[str]
) -> None:
    whole = _ingest(tmp_path / "whole", feed, lines, tmp_path)
    assert whole.rows_duplicate > 0 and whole.rows_rejected > whole.rows_duplicate
    expected = _outcome(tmp_path / "whole", feed, whole)

    ranges: list[tuple[int, int, int]] = []
    settle_range = repeats._settle_range

    def counted(con, feed, rollup, first_group, end_group, last_row):  # type: ignore[no-untyped-def]
        ranges.append((first_group, end_group, last_row))
        return settle_range(con, feed, rollup, first_group, end_group, last_row)

    monkeypatch.setattr(repeats, "SETTLE_RANGE_ROWS", 3)
    monkeypatch.setattr(repeats, "RANGE_BLOCK_ROWS", 2)
    monkeypatch.setattr(repeats, "_settle_range", counted)
    in_ranges = _ingest(tmp_path / "ranges", feed, lines, tmp_path)
    assert len(ranges) > 5
    assert _outcome(tmp_path / "ranges", feed, in_ranges) == expected


def test_ranges_hold_whole_groups_of_about_the_rows_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of first rows (4,096 rows a block) are put together up to SETTLE_RANGE_ROWS
    rows; a range ends where its blocks end and reaches the last row of any of its groups."""
    monkeypatch.setattr(repeats, "SETTLE_RANGE_ROWS", 8)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE repeated AS SELECT * FROM (VALUES"
        " (2, 3, 2), (4, 90, 2), (5, 9, 5), (9000, 9001, 2), (9100, 9104, 5), (20000, 20001, 2))"
        " AS t(_group, _last, _rows)"
    )
    assert repeats._group_ranges(con) == [(2, 4096, 90), (9000, 12288, 9104), (20000, 20480, 20001)]
