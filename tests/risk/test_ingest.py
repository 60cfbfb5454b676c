"""Ingestion: bad input never stops the run nor silently loads part of a batch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from laborwatch.risk import store
from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.ingest import ingest_file, ingest_folder
from tests.risk.helpers import code

TODAY = dt.date(2026, 11, 26)
HEADER = "month,credit_code,insured_headcount,amount_due,amount_paid,arrears"


def _write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


def _si_line(number: int, month: str = "2026-09", arrears: str = "0") -> str:
    return f"{month},{code(number)},10,1000,1000,{arrears}"


def _stored(root: Path, feed: str) -> list[dict]:
    files = store.feed_files(root, FEEDS[feed])
    return pa.concat_tables([pq.read_table(f) for f in files]).to_pylist() if files else []


def test_valid_csv_is_loaded_into_month_partition(tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "si.csv", [HEADER, _si_line(1), _si_line(2, "2026-08")])
    report = ingest_file(tmp_path / "var", "social_insurance", source, today=TODAY)
    assert (report.status, report.rows_read, report.rows_taken, report.rows_rejected) == (
        "loaded",
        2,
        2,
        0,
    )
    assert store.stored_months(tmp_path / "var", FEEDS["social_insurance"]) == [
        "2026-08",
        "2026-09",
    ]
    rows = _stored(tmp_path / "var", "social_insurance")
    assert rows[0]["month"] == dt.date(2026, 8, 1)
    assert rows[0]["insured_headcount"] == 10


def test_same_batch_twice_changes_nothing(tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "si.csv", [HEADER, _si_line(1)])
    root = tmp_path / "var"
    ingest_file(root, "social_insurance", source, today=TODAY)
    part = store.feed_files(root, FEEDS["social_insurance"])[0]
    before = (part.read_bytes(), part.stat().st_mtime_ns)
    again = ingest_file(root, "social_insurance", source, today=TODAY)
    assert again.status == "already_loaded"
    assert (part.read_bytes(), part.stat().st_mtime_ns) == before
    assert len(store.loaded_batches(root)) == 1


def test_same_rows_in_another_file_are_not_doubled(tmp_path: Path) -> None:
    root = tmp_path / "var"
    ingest_file(
        root, "social_insurance", _write_csv(tmp_path / "a.csv", [HEADER, _si_line(1)]), today=TODAY
    )
    again = ingest_file(
        root,
        "social_insurance",
        _write_csv(tmp_path / "b.csv", [HEADER, _si_line(1, arrears="5"), _si_line(2)]),
        today=TODAY,
    )
    assert again.rows_replaced == 1
    assert again.summary().endswith("拒收 0 行，替换此前已入库的同键行 1 行")
    rows = _stored(root, "social_insurance")
    assert sorted((r["credit_code"], r["arrears"]) for r in rows) == [
        (code(1), 5.0),
        (code(2), 0.0),
    ]


def test_gbk_csv_with_chinese_headers(tmp_path: Path) -> None:
    lines = [
        "月份,统一社会信用代码,参保人数,应缴金额,实缴金额,欠缴金额,备注",
        _si_line(1) + ",正常",
    ]
    source = _write_csv(tmp_path / "si.csv", lines, encoding="gbk")
    report = ingest_file(tmp_path / "var", "social_insurance", source, today=TODAY)
    assert (report.status, report.rows_taken, report.ignored_columns) == ("loaded", 1, ("备注",))


def test_wrong_encoding_refuses_the_file(tmp_path: Path) -> None:
    source = tmp_path / "si.csv"
    source.write_bytes((HEADER + "\n" + _si_line(1)).encode("utf-16"))
    report = ingest_file(tmp_path / "var", "social_insurance", source, today=TODAY)
    assert report.status == "refused"
    assert "编码" in report.message or "缺少" in report.message
    assert store.feed_files(tmp_path / "var", FEEDS["social_insurance"]) == []


def test_wrong_columns_refuse_the_file(tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "si.csv", ["month,code,people", "2026-09,x,1"])
    report = ingest_file(tmp_path / "var", "social_insurance", source, today=TODAY)
    assert report.status == "refused"
    assert report.message.startswith("缺少必需的列：统一社会信用代码(credit_code)")
    assert store.feed_files(tmp_path / "var", FEEDS["social_insurance"]) == []


def test_bad_rows_are_rejected_with_row_number_and_reason(tmp_path: Path) -> None:
    bad_check = code(3)[:-1] + ("0" if code(3)[-1] != "0" else "1")
    lines = [
        HEADER,
        _si_line(1),  # row 2
        _si_line(2),  # row 3
        _si_line(4),  # row 4
        _si_line(5),  # row 5
        _si_line(6),  # row 6
        f"2026-09,{bad_check},10,1000,1000,0",  # row 7: bad check character
        f"2026-09,{code(7)},10,1000,-5,0",  # row 8: negative amount
        f"2027-01,{code(8)},10,1000,1000,0",  # row 9: future month
        _si_line(1),  # row 10: duplicate of row 2
    ]
    report = ingest_file(
        tmp_path / "var", "social_insurance", _write_csv(tmp_path / "si.csv", lines), today=TODAY
    )
    assert (report.status, report.rows_read, report.rows_taken, report.rows_rejected) == (
        "loaded",
        9,
        5,
        4,
    )
    assert report.reasons == {
        "统一社会信用代码校验位错误": 1,
        "实缴金额为负数": 1,
        "月份晚于本月": 1,
        "重复行（与第N行完全相同）": 1,
    }
    assert report.rows_duplicate == 1
    rejects = pa.csv.read_csv(report.rejects_path).to_pylist()
    assert [(r["行号"], r["处理结果"], r["原因"], r["credit_code"]) for r in rejects] == [
        (7, "未入库", "统一社会信用代码校验位错误", bad_check),
        (8, "未入库", "实缴金额为负数", code(7)),
        (9, "未入库", "月份晚于本月", code(8)),
        (10, "未入库", "重复行（与第2行完全相同）", code(1)),
    ]


def test_mostly_bad_file_keeps_its_valid_rows(tmp_path: Path) -> None:
    lines = [HEADER, _si_line(1), "2026-09,bad,10,1000,1000,0", "2026-09,bad2,x,1000,1000,0"]
    report = ingest_file(
        tmp_path / "var", "social_insurance", _write_csv(tmp_path / "si.csv", lines), today=TODAY
    )
    assert (report.status, report.rows_taken, report.rows_rejected) == ("loaded", 1, 2)
    assert [row["credit_code"] for row in _stored(tmp_path / "var", "social_insurance")] == [
        code(1)
    ]
    rejects = pa.csv.read_csv(report.rejects_path).to_pylist()
    assert [(r["行号"], r["原因"]) for r in rejects] == [
        (3, "统一社会信用代码长度不是18位"),
        (4, "统一社会信用代码长度不是18位；参保人数格式错误"),
    ]


def test_future_event_date_is_rejected(tmp_path: Path) -> None:
    lines = ["filed_on,credit_code,kind,plaintiffs,amount"]
    lines += [f"2026-10-0{d},{code(d)},labor_lawsuit,1,500" for d in range(1, 4)]
    lines.append(f"2026-12-01,{code(9)},labor_lawsuit,1,500")
    report = ingest_file(
        tmp_path / "var", "court_filings", _write_csv(tmp_path / "c.csv", lines), today=TODAY
    )
    assert report.rows_taken == 3
    assert report.reasons == {"立案日期晚于今天": 1}


def test_unknown_kind_is_rejected(tmp_path: Path) -> None:
    lines = [
        "filed_on,credit_code,kind,plaintiffs,amount",
        f"2026-10-01,{code(1)},labor_lawsuit,1,5",
    ]
    lines += [f"2026-10-02,{code(2)},lawsuit,1,5"]
    lines += [f"2026-10-03,{code(3)},enforcement,1,5"]
    report = ingest_file(
        tmp_path / "var", "court_filings", _write_csv(tmp_path / "c.csv", lines), today=TODAY
    )
    assert report.reasons == {"案件类型取值无效": 1}


def test_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["报告日期", "统一社会信用代码", "裁减人数", "职工总数"])
    sheet.append([dt.datetime(2026, 10, 8), code(1), 250, 800])
    sheet.append([dt.datetime(2026, 10, 9), code(2), -1, 800])
    sheet.append([dt.datetime(2026, 10, 10), code(3), 30, 300])
    book.save(tmp_path / "layoffs.xlsx")
    report = ingest_file(tmp_path / "var", "layoff_filings", tmp_path / "layoffs.xlsx", today=TODAY)
    assert (report.rows_taken, report.rows_rejected, dict(report.reasons)) == (
        2,
        1,
        {"裁减人数为负数": 1},
    )
    rows = _stored(tmp_path / "var", "layoff_filings")
    assert (rows[0]["filed_on"], rows[0]["layoff_count"]) == (dt.date(2026, 10, 8), 250)


def test_parquet_keeps_types(tmp_path: Path) -> None:
    table = pa.table(
        {
            "complaint_id": ["c1", "c2"],
            "received_at": pa.array([dt.datetime(2026, 10, 1, 9), dt.datetime(2026, 10, 2, 9)]),
            "worker_key": ["w1", "w2"],
            "credit_code": [code(1), None],
            "channel": ["hotline_12351", "online"],
            "category": ["wage_arrears", "other"],
            "workers_involved": [1, 3],
            "amount_claimed": [1000.0, None],
            "description": ["欠薪", "其他"],
        }
    )
    pq.write_table(table, tmp_path / "complaints.parquet")
    report = ingest_file(
        tmp_path / "var", "work_orders", tmp_path / "complaints.parquet", today=TODAY
    )
    assert (report.status, report.rows_taken, report.ignored_columns) == (
        "loaded",
        2,
        ("description",),
    )


def test_unknown_source_and_missing_file(tmp_path: Path) -> None:
    assert ingest_file(tmp_path, "weather", tmp_path / "x.csv").status == "refused"
    assert ingest_file(tmp_path, "tax", tmp_path / "x.csv").message.startswith("文件不存在")


def test_ingest_folder_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    city = tmp_path / "city"
    (city / "feeds" / "tax").mkdir(parents=True)
    (city / "feeds" / "tax" / "2026-08.csv").write_text("wrong,columns\n1,2\n", encoding="utf-8")
    (city / "feeds" / "tax" / "2026-09.csv").write_text(
        f"month,credit_code,taxable_revenue,tax_paid\n2026-09,{code(1)},100,5\n", encoding="utf-8"
    )
    reports = ingest_folder(tmp_path / "var", city, today=TODAY)
    assert [(Path(r.source).name, r.status) for r in reports] == [
        ("2026-08.csv", "refused"),
        ("2026-09.csv", "loaded"),
    ]


@pytest.mark.parametrize("month_text", ["2026-09", "202609", "2026/09", "2026-09-01", "2026年9月"])
def test_month_formats(tmp_path: Path, month_text: str) -> None:
    lines = ["month,credit_code,taxable_revenue,tax_paid", f"{month_text},{code(1)},100,5"]
    report = ingest_file(
        tmp_path / "var", "tax", _write_csv(tmp_path / "t.csv", lines), today=TODAY
    )
    assert report.rows_taken == 1
    assert _stored(tmp_path / "var", "tax")[0]["month"] == dt.date(2026, 9, 1)


def test_feed_column_named_reason(tmp_path: Path) -> None:
    lines = ["listed_on,credit_code,reason", f"2026-10-01,{code(1)},通过登记的住所无法联系"]
    lines.append(f"2026-10-02,{code(2)},")
    source = _write_csv(tmp_path / "a.csv", lines)
    report = ingest_file(tmp_path / "var", "abnormal_listings", source, today=TODAY)
    assert (report.status, report.rows_taken) == ("loaded", 2)
    assert _stored(tmp_path / "var", "abnormal_listings")[0]["reason"] == "通过登记的住所无法联系"


def test_synth_work_orders_with_integer_ids(tmp_path: Path) -> None:
    # `laborwatch synth` writes complaint_id and worker_key as int64 and a zoned timestamp.
    table = pa.table(
        {
            "complaint_id": pa.array([1, 2], pa.int64()),
            "received_at": pa.array(
                [dt.datetime(2026, 10, 1, 1), dt.datetime(2026, 10, 2, 1)],
                pa.timestamp("ms", tz="Asia/Shanghai"),
            ),
            "worker_key": pa.array([17, 18], pa.int64()),
            "credit_code": [code(1), None],
            "project_code": [None, "P-001"],
        }
    )
    pq.write_table(table, tmp_path / "complaints.parquet")
    root = tmp_path / "var"
    report = ingest_file(root, "work_orders", tmp_path / "complaints.parquet", today=TODAY)
    assert (report.status, report.rows_taken) == ("loaded", 2)
    rows = _stored(root, "work_orders")
    assert [(r["complaint_id"], r["worker_key"], r["project_code"]) for r in rows] == [
        ("1", "17", None),
        ("2", "18", "P-001"),
    ]


def _si_file(path: Path, rows: int) -> Path:
    lines = [HEADER, *(_si_line(number) for number in range(1, rows + 1))]
    return _write_csv(path, lines)


def _store_files(root: Path) -> list[str]:
    """Every file of the feed store but the batch databases' work folder, which is emptied."""
    feeds = store.feeds_dir(root)
    return sorted(
        str(path.relative_to(feeds))
        for path in feeds.rglob("*")
        if path.is_file() and store.WORK_FOLDER not in path.parts
    )


def test_a_batch_out_of_memory_is_refused_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "var"
    earlier = ingest_file(root, "social_insurance", _si_file(tmp_path / "8.csv", 3), today=TODAY)
    assert earlier.status == "loaded"
    before = (_store_files(root), _stored(root, "social_insurance"))
    big = _si_file(tmp_path / "社保9月.csv", 20_000)

    monkeypatch.setenv(store.MEMORY_SETTING, "1MB")
    report = ingest_file(root, "social_insurance", big, today=TODAY)
    assert (report.status, report.rejects_path) == ("refused", "")
    assert report.message == (
        "文件 社保9月.csv 在读入、校验或写入时超出了批处理内存上限（1MB），本批未载入，"
        "数据源未作任何改动。可在设置 LABORWATCH_INGEST_MEMORY 中调高上限（如 1GB）后重新载入，"
        "或将文件按月份拆分为几个较小的文件分别载入"
    )
    assert report.summary() == f"[社会保险缴费] {big}：整批拒收（{report.message}）"
    assert (_store_files(root), _stored(root, "social_insurance")) == before
    assert list((store.feeds_dir(root) / store.WORK_FOLDER).iterdir()) == []

    monkeypatch.setenv(store.MEMORY_SETTING, "256MB")
    assert ingest_file(root, "social_insurance", big, today=TODAY).rows_taken == 20_000


def test_out_of_memory_half_way_through_the_row_report_leaves_no_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row report is moved into place only once whole: a batch that runs out of memory
    after its first block of lines leaves neither the report nor its part."""
    import duckdb

    from laborwatch.risk import ingest, row_report

    def one_block_then_out_of_memory(con, headers):  # type: ignore[no-untyped-def]
        yield next(row_report.row_report(con, headers))
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block")

    monkeypatch.setattr(ingest, "row_report", one_block_then_out_of_memory)
    lines = [HEADER, _si_line(1), _si_line(2, arrears="-1")]
    report = ingest_file(tmp_path, "social_insurance", _write_csv(tmp_path / "a.csv", lines))
    assert report.status == "refused" and "超出了批处理内存上限（256MB）" in report.message
    assert _store_files(tmp_path) == []


def test_a_memory_setting_that_is_not_an_amount_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(store.MEMORY_SETTING, "lots")
    report = ingest_file(tmp_path, "tax", _si_file(tmp_path / "a.csv", 1), today=TODAY)
    assert (report.status, report.message) == (
        "refused",
        "设置 LABORWATCH_INGEST_MEMORY=lots 不是内存大小，应写作如 512MB 或 2GB",
    )
