"""The same definitions on DuckDB and on Spark (local[2]) give the same files, row for row.

Skipped only when pyspark is not installed (the optional extra `.[spark]`); CI installs it
and Java 17 (.ci/run). The city is a small synthetic one (3,000 enterprises, 12 months, every
kind of episode, the complaints as the work-order feed) rather than the demo city (35,000
enterprises, 24 months), which takes Spark minutes on two shared cores:
benchmarks/spark_scoring.py compares the demo city and larger ones the same way.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark")

from laborwatch.risk import store  # noqa: E402
from laborwatch.risk.compare import run_differences  # noqa: E402
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, feed_files_in, ingest_file  # noqa: E402
from laborwatch.risk.pipeline import score_store  # noqa: E402
from laborwatch.risk.rules import load_rules  # noqa: E402
from laborwatch.risk.spark.run import score_store_spark  # noqa: E402
from laborwatch.risk.spark.session import spark_session  # noqa: E402
from laborwatch.synth import generate  # noqa: E402

TOWN = {"enterprises": 3000, "months": 12, "end_month": "2026-10", "seed": 3}
LOADED_ON = dt.date(2026, 11, 20)
# A month end, when every monthly feed of the month before has arrived, and the 10th, when
# September's social insurance has not (point in time: August is still its data month).
DAYS = (dt.date(2026, 10, 31), dt.date(2026, 10, 10))


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def town_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    city = tmp_path_factory.mktemp("town-city")
    generate(city, progress=False, **TOWN)
    root = tmp_path_factory.mktemp("town-store")
    for feed, path in feed_files_in(city):
        report = ingest_file(root, feed, path, today=LOADED_ON, arrived=ARRIVAL_CALENDAR)
        assert report.status in ("loaded", "already_loaded"), (feed, path)  # empty months
    return root


def _score_both(root: Path, spark: object, as_of: dt.date, tmp_path: Path) -> tuple[Path, Path]:
    """(DuckDB's folder, Spark's folder) of one day's files."""
    config = load_rules()
    duck = score_store(root, as_of=as_of, config=config)
    duck_folder = tmp_path / "duckdb"
    shutil.copytree(duck.scores_path.parent, duck_folder)
    shutil.rmtree(duck.scores_path.parent)
    run = score_store_spark(root, as_of=as_of, config=config, spark=spark)
    assert run.scores_path == store.scores_dir(root, as_of).resolve() / "scores.parquet"
    assert run.enterprises == duck.enterprises == 3000
    assert run.grade_counts == duck.grade_counts
    assert sorted(run.files_read) == sorted(Path(f).as_uri() for f in duck.files_read)
    return duck_folder, run.scores_path.parent


@pytest.mark.parametrize("as_of", DAYS)
def test_spark_scores_every_enterprise_as_duckdb_does(
    town_store: Path, spark: object, as_of: dt.date, tmp_path: Path
) -> None:
    duck_folder, spark_folder = _score_both(town_store, spark, as_of, tmp_path)
    assert run_differences(duck_folder, spark_folder, tolerance=1e-9) == []
    scores = pq.read_table(spark_folder / "scores.parquet")
    # the comparison is not of empty files: the town has graded warnings of several types
    grades = set(zip(scores.column("risk_type").to_pylist(), scores.column("grade").to_pylist()))
    assert len({risk for risk, grade in grades if grade != "none"}) >= 3
    indicators = pq.read_table(spark_folder / "indicators.parquet")
    assert indicators.num_rows == 3000
    # missing stays missing: enterprises without a social-insurance data month are NULL
    assert 0 < indicators.column("si_arrears_months").null_count < 3000


def test_the_day_decides_what_spark_knows(town_store: Path, spark: object) -> None:
    """Point in time on Spark: what arrived after the day is not read."""
    early, late = sorted(DAYS)
    runs = {day: score_store_spark(town_store, as_of=day, spark=spark) for day in (early, late)}
    months = {
        day: set(pq.read_table(run.indicators_path).column("si_data_month").to_pylist()) - {None}
        for day, run in runs.items()
    }
    assert max(months[early]) == dt.date(2026, 8, 1)
    assert max(months[late]) == dt.date(2026, 9, 1)


def test_a_store_elsewhere_sends_its_files_back_to_the_data_directory(
    town_store: Path, spark: object, tmp_path: Path
) -> None:
    local = tmp_path / "app-data"
    run = score_store_spark(town_store, as_of=DAYS[0], spark=spark, local_root=local)
    assert run.scores_path == store.scores_dir(local, DAYS[0]) / "scores.parquet"
    assert run.indicators_path.is_file()
    written = store.scores_dir(town_store, DAYS[0]) / "scores.parquet"
    assert pq.read_table(run.scores_path).equals(pq.read_table(written))
