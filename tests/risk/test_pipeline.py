"""The daily scoring run from a feed store on disk, and the indicator history."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from laborwatch.risk import store
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, ingest_file
from laborwatch.risk.pipeline import (
    KeyCollisionError,
    NoFeedsError,
    OldStoreError,
    indicator_history,
    score_store,
)
from tests.risk.helpers import ACME, OTHER

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "var"
    (tmp_path / "registry.csv").write_text(
        f"credit_code,name,industry,district\n{ACME},甲建筑公司,E,市南区\n{OTHER},乙商贸公司,F,黄岛区\n",
        encoding="utf-8",
    )
    lines = ["month,credit_code,insured_headcount,amount_due,amount_paid,arrears"]
    for month in ("2026-07", "2026-08", "2026-09"):
        lines.append(
            f"{month},{ACME},50,1000,{0 if month >= '2026-08' else 1000},"
            f"{1000 if month >= '2026-08' else 0}"
        )
        lines.append(f"{month},{OTHER},50,1000,1000,0")
    (tmp_path / "si.csv").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "court.csv").write_text(
        f"filed_on,credit_code,kind,plaintiffs,amount\n2026-10-12,{ACME},labor_arbitration,3,9000\n",
        encoding="utf-8",
    )
    for feed, name in (
        ("registry", "registry.csv"),
        ("social_insurance", "si.csv"),
        ("court_filings", "court.csv"),
    ):
        report = ingest_file(root, feed, tmp_path / name, today=TODAY, arrived=ARRIVAL_CALENDAR)
        assert report.status == "loaded"
    return root


def test_score_defaults_to_latest_feed_date_and_writes_tables(root: Path) -> None:
    run = score_store(root)
    # the court filing of 12 October arrived on the 19th (a week later): the latest day
    assert run.as_of == dt.date(2026, 10, 19)
    assert run.scores_path == root / "scores" / "2026-10-19" / "scores.parquet"
    scores = pq.read_table(run.scores_path).to_pylist()
    assert {(row["credit_code"], row["risk_type"]) for row in scores} == {
        (ACME, "wage_arrears"),
        (ACME, "collective_dispute"),
    }  # only rows with points
    acme = {row["risk_type"]: row for row in scores if row["credit_code"] == ACME}
    wage = acme["wage_arrears"]
    # two months unpaid (37.5), the last one wholly (15), one arbitration case (7.5)
    assert (wage["grade"], wage["score"], wage["district"]) == ("orange", 60.0, "市南区")
    assert [item["rule"] for item in json.loads(wage["evidence"])] == [
        "si_arrears",
        "si_unpaid",
        "labor_cases",
    ]  # config order
    assert json.loads(wage["departments"]) == ["人社", "仲裁"]
    assert run.grade_counts[("wage_arrears", "orange")] == 1
    assert run.grade_counts[("wage_arrears", "none")] == 1
    assert run.grade_counts[("mass_layoff", "none")] == 2
    values = pq.read_table(run.indicators_path).to_pylist()
    assert {row["credit_code"] for row in values} == {ACME, OTHER}


def test_score_on_a_given_date_and_history(root: Path) -> None:
    # Each day knows only what had arrived: September's social insurance on 12 October, the
    # court filing of 12 October a week later.
    for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 12), dt.date(2026, 10, 19)):
        score_store(root, as_of=day)
    history = indicator_history(root, ACME).to_pylist()
    assert [
        (row["as_of"], row["si_data_month"], row["si_arrears_months"], row["labor_cases_90d"])
        for row in history
    ] == [
        (dt.date(2026, 9, 30), dt.date(2026, 8, 1), 1.0, 0.0),
        (dt.date(2026, 10, 12), dt.date(2026, 9, 1), 2.0, 0.0),
        (dt.date(2026, 10, 19), dt.date(2026, 9, 1), 2.0, 1.0),
    ]


def test_rows_loaded_on_a_day_are_known_from_that_day(root: Path, tmp_path: Path) -> None:
    # October's social insurance, loaded on 13 November: on the 12th September is still the
    # data month, from the 13th October is; an enterprise missing in October is read as of
    # September (carried), not as zero.
    (tmp_path / "si-10.csv").write_text(
        f"month,credit_code,insured_headcount,amount_due,amount_paid,arrears\n"
        f"2026-10,{ACME},50,1000,0,3000\n",
        encoding="utf-8",
    )
    report = ingest_file(
        root, "social_insurance", tmp_path / "si-10.csv", today=TODAY, arrived=dt.date(2026, 11, 13)
    )
    assert report.status == "loaded"
    before = score_store(root, as_of=dt.date(2026, 11, 12))
    after = score_store(root, as_of=dt.date(2026, 11, 13))
    read = {
        day: {row["credit_code"]: row for row in pq.read_table(run.indicators_path).to_pylist()}
        for day, run in (("before", before), ("after", after))
    }
    assert (read["before"][ACME]["si_data_month"], read["before"][ACME]["si_arrears_months"]) == (
        dt.date(2026, 9, 1),
        2.0,
    )
    assert (read["after"][ACME]["si_data_month"], read["after"][ACME]["si_arrears_months"]) == (
        dt.date(2026, 10, 1),
        3.0,
    )
    assert (read["after"][OTHER]["si_data_month"], read["after"][OTHER]["si_unpaid_share"]) == (
        dt.date(2026, 9, 1),
        0.0,
    )


def test_empty_store(tmp_path: Path) -> None:
    with pytest.raises(NoFeedsError):
        score_store(tmp_path)


def test_engine_never_imports_django() -> None:
    modules = [
        "laborwatch.risk." + name
        for name in (
            "ingest",
            "pipeline",
            "evaluate",
            "spark",
            "scoring",
            "store",
            "validate",
        )
    ]
    code_text = "import sys\n" + "".join(f"import {m}\n" for m in modules)
    code_text += "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    result = subprocess.run(
        [sys.executable, "-c", code_text], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_store_from_before_the_enterprise_key_is_upgraded_and_scores_alike(root: Path) -> None:
    expected = pq.read_table(score_store(root).scores_path).sort_by("credit_code")
    for path in (root / "feeds").glob("*/*.parquet"):  # as an earlier version wrote them
        pq.write_table(pq.read_table(path).drop_columns(["enterprise_key"]), path)
    with pytest.raises(OldStoreError, match="5 个分区文件是旧版格式"):
        score_store(root)  # scoring only reads: it names the fix
    assert store.upgrade_store(root) == 5  # what `laborwatch score` and `ingest` do first
    assert store.upgrade_store(root) == 0
    run = score_store(root)
    assert pq.read_table(run.scores_path).sort_by("credit_code") == expected
    for path in (root / "feeds").glob("*/*.parquet"):
        assert "enterprise_key" in pq.read_schema(path).names


def test_a_store_from_before_a_column_was_added_scores_alike(root: Path) -> None:
    """Files stored before the registry had its parent office (rules-v2.2) and before
    arrivals were recorded read those columns as empty: scoring goes on, with the same
    scores."""
    expected = pq.read_table(score_store(root).scores_path).sort_by("credit_code")
    for path in (root / "feeds").glob("*/*.parquet"):  # as an earlier version wrote them
        table = pq.read_table(path)
        older = [
            name for name in ("parent_credit_code", "arrived_on") if name in table.schema.names
        ]
        pq.write_table(table.drop_columns(older), path)
    registry = next((root / "feeds").glob("registry*/*.parquet"))
    assert "parent_credit_code" not in pq.read_schema(registry).names
    run = score_store(root, as_of=dt.date(2026, 10, 19))
    assert pq.read_table(run.scores_path).sort_by("credit_code") == expected


def test_a_load_waits_for_another_writer_and_says_so_when_it_gives_up(
    root: Path, tmp_path: Path, monkeypatch
) -> None:
    from filelock import FileLock

    monkeypatch.setattr(store, "LOCK_TIMEOUT_SECONDS", 0.2)
    (tmp_path / "court2.csv").write_text(
        f"filed_on,credit_code,kind,plaintiffs,amount\n2026-10-13,{OTHER},enforcement,1,500\n",
        encoding="utf-8",
    )
    with FileLock(str(root / "feeds" / store.LOCK_NAME)):  # another process is writing
        report = ingest_file(root, "court_filings", tmp_path / "court2.csv", today=TODAY)
        with pytest.raises(store.StoreBusyError, match="占用"):
            store.upgrade_store(root)
    assert report.status == "refused" and "占用" in report.message and "未载入" in report.message
    assert ingest_file(root, "court_filings", tmp_path / "court2.csv", today=TODAY).status == (
        "loaded"
    )


def test_two_registry_codes_with_one_key_stop_the_run(root: Path) -> None:
    path = root / "feeds" / "registry" / "current.parquet"
    table = pq.read_table(path)
    keys = table.column("enterprise_key").to_pylist()
    column = table.column_names.index("enterprise_key")
    same = pa.array([keys[0]] * len(keys))
    pq.write_table(table.set_column(column, "enterprise_key", same), path)
    with pytest.raises(KeyCollisionError, match=f"{ACME}.*{OTHER}|{OTHER}.*{ACME}"):
        score_store(root)
