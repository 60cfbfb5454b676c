"""The ingest's faster paths give what the general ones give: Parquet read by DuckDB, codes
left as they are when normalising changes nothing, a month written without a sort, and the
batches of a run sharing one database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from laborwatch.risk import store
from laborwatch.risk.codes import normalize_codes
from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.ingest import ingest_file, ingest_folder
from tests.risk.helpers import code

TODAY = dt.date(2026, 11, 26)


def _si_table(codes: Sequence[str | None], month: str = "2026-09") -> pa.Table:
    count = len(codes)
    return pa.table(
        {
            "month": [month] * count,
            "credit_code": pa.array(codes, pa.string()),
            "insured_headcount": list(range(1, count + 1)),
            "amount_due": [1000] * count,
            "amount_paid": [900] * count,
        }
    )


def test_normalising_codes_already_normal_returns_the_same_array() -> None:
    codes = pa.array([code(1), code(2), None])
    assert normalize_codes(codes) is codes


def test_normalising_a_block_with_one_code_to_fix_fixes_only_that_one() -> None:
    codes = pa.array([code(1), " " + code(2).lower() + "\t", None, "a\u3000b"])
    assert normalize_codes(codes).to_pylist() == [code(1), code(2), None, "A\u3000B"]


def test_parquet_codes_are_normalised_and_checked_as_in_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "si.parquet"
    written = [code(1), f" {code(2).lower()} ", code(3)[:-1] + "0", None]
    pq.write_table(_si_table(written), path)
    root = tmp_path / "var"
    report = ingest_file(root, "social_insurance", path, today=TODAY)
    assert (report.status, report.rows_taken, report.rows_rejected) == ("loaded", 2, 2)
    stored = pq.read_table(store.feed_files(root, FEEDS["social_insurance"])[0])
    assert stored.column("credit_code").to_pylist() == [code(1), code(2)]
    assert dict(report.reasons) == {"统一社会信用代码校验位错误": 1, "缺少统一社会信用代码": 1}


def test_a_parquet_file_that_cannot_be_read_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "si.parquet"
    pq.write_table(_si_table([code(number) for number in range(1, 200)]), path)
    data = bytearray(path.read_bytes())
    data[8:400] = b"\xff" * 392  # the first column's pages, not the footer
    path.write_bytes(bytes(data))
    report = ingest_file(tmp_path / "var", "social_insurance", path, today=TODAY)
    assert report.status == "refused"
    assert report.message.startswith("文件无法读取：si.parquet")
    assert store.feed_files(tmp_path / "var", FEEDS["social_insurance"]) == []


def test_a_month_written_without_sorting_has_the_sorted_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 1_000)
    path = tmp_path / "si.parquet"
    codes = [code(number) for number in range(1, 2_501)]
    pq.write_table(_si_table(codes), path, row_group_size=700)
    root = tmp_path / "var"
    report = ingest_file(root, "social_insurance", path, today=TODAY)
    assert (report.status, report.rows_taken) == ("loaded", 2_500)
    part = store.feed_files(root, FEEDS["social_insurance"])[0]
    metadata = pq.read_metadata(part)
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [
        1_000,
        1_000,
        500,
    ]
    assert pq.read_table(part).column("credit_code").to_pylist() == codes


def test_batches_of_a_run_see_nothing_of_the_batch_before(tmp_path: Path) -> None:
    with store.batch_session(tmp_path) as session:
        with session.batch() as con:
            con.execute("CREATE TABLE checked AS SELECT 1 AS x")
            con.execute("CREATE VIEW valid AS SELECT * FROM checked")
        with session.batch() as con:
            tables = con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
            views = con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal")
            assert (tables[0][0], views.fetchall()[0][0]) == (0, 0)
            con.execute("CREATE TABLE checked AS SELECT 2 AS x")


def test_a_failed_batch_leaves_the_next_a_new_database(tmp_path: Path) -> None:
    with store.batch_session(tmp_path) as session:
        with pytest.raises(duckdb.CatalogException), session.batch() as con:
            con.execute("CREATE TABLE source AS SELECT 1 AS x")
            con.execute("SELECT * FROM no_such_table")
        with session.batch() as con:
            assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchall() == [(0,)]


def test_a_folder_loads_as_its_files_one_by_one(tmp_path: Path) -> None:
    folder = tmp_path / "city" / "feeds" / "social_insurance"
    folder.mkdir(parents=True)
    pq.write_table(_si_table([code(1), code(2)], "2026-08"), folder / "2026-08.parquet")
    pq.write_table(_si_table([code(1), code(1)], "2026-09"), folder / "2026-09.parquet")
    together = ingest_folder(tmp_path / "together", tmp_path / "city", today=TODAY)
    alone = [
        ingest_file(tmp_path / "alone", "social_insurance", path, today=TODAY)
        for path in sorted(folder.iterdir())
    ]
    assert [report.summary() for report in together] == [report.summary() for report in alone]
    a, b = (
        store.partition_path(tmp_path / root, FEEDS["social_insurance"], "2026-08")
        for root in ("together", "alone")
    )
    assert pq.read_table(a).equals(pq.read_table(b))
    assert [(r.rows_taken, r.rows_rejected) for r in together] == [(2, 0), (0, 2)]
