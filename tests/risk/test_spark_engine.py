"""The same definitions on DuckDB and on Spark (local[2]) give the same files, row for row.

Skipped only when pyspark is not installed (the optional extra `.[spark]`); CI installs it
and Java 17 (.ci/run). The city is a small synthetic one (3,000 enterprises, 12 months, every
kind of episode, the complaints as the work-order feed) rather than the demo city (35,000
enterprises, 24 months), which takes Spark minutes on two shared cores:
benchmarks/spark_scoring.py compares the demo city and larger ones the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark")

from laborwatch.risk import store
from laborwatch.risk.compare import run_differences
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, feed_files_in, ingest_file
from laborwatch.risk.pipeline import ScoreRun, score_store
from laborwatch.risk.rules import load_rules
from laborwatch.risk.spark.run import score_store_spark
from laborwatch.risk.spark.session import spark_session
from laborwatch.synth import generate

TOWN = {"enterprises": 3000, "months": 12, "end_month": "2026-10", "seed": 3}
LOADED_ON = dt.date(2026, 11, 20)
# A month end, when every monthly feed of the month before has arrived, and the 10th, when
# September's social insurance has not (point in time: August is still its data month).
DAYS = (dt.date(2026, 10, 31), dt.date(2026, 10, 10))


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    session = spark_session("local[2]", {"spark.ui.showConsoleProgress": "false"})
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


@pytest.fixture(scope="module")
def runs(
    town_store: Path, spark: object, tmp_path_factory: pytest.TempPathFactory
) -> dict[dt.date, tuple[ScoreRun, ScoreRun]]:
    """(DuckDB's run, Spark's run) of each day. Spark's files are sent to another data
    directory, as they come back to the app from a store elsewhere."""
    config = load_rules()
    app_data = tmp_path_factory.mktemp("app-data")
    found = {}
    for as_of in DAYS:
        duck = score_store(town_store, as_of=as_of, config=config)
        on_spark = score_store_spark(
            town_store, as_of=as_of, config=config, spark=spark, local_root=app_data
        )
        assert on_spark.scores_path == store.scores_dir(app_data, as_of) / "scores.parquet"
        found[as_of] = (duck, on_spark)
    return found


@pytest.mark.parametrize("as_of", DAYS)
def test_spark_scores_every_enterprise_as_duckdb_does(
    runs: dict[dt.date, tuple[ScoreRun, ScoreRun]], as_of: dt.date
) -> None:
    duck, on_spark = runs[as_of]
    assert on_spark.enterprises == duck.enterprises == 3000
    assert on_spark.grade_counts == duck.grade_counts
    assert sorted(on_spark.files_read) == sorted(Path(f).as_uri() for f in duck.files_read)
    folders = duck.scores_path.parent, on_spark.scores_path.parent
    assert run_differences(*folders, tolerance=1e-9) == []
    scores = pq.read_table(on_spark.scores_path)
    # the comparison is not of empty files: the town has graded warnings of several types
    graded = pc.filter(scores.column("risk_type"), pc.not_equal(scores.column("grade"), "none"))
    assert len(set(graded.to_pylist())) >= 3
    indicators = pq.read_table(on_spark.indicators_path)
    assert indicators.num_rows == 3000
    # missing stays missing: enterprises without a social-insurance data month are NULL
    assert 0 < indicators.column("si_arrears_months").null_count < 3000


def test_the_day_decides_what_spark_knows(
    runs: dict[dt.date, tuple[ScoreRun, ScoreRun]],
) -> None:
    """Point in time on Spark: what arrived after the day is not read."""
    months = {
        day: set(pq.read_table(on_spark.indicators_path).column("si_data_month").to_pylist())
        for day, (_, on_spark) in runs.items()
    }
    assert max(months[dt.date(2026, 10, 10)] - {None}) == dt.date(2026, 8, 1)
    assert max(months[dt.date(2026, 10, 31)] - {None}) == dt.date(2026, 9, 1)


def test_the_store_keeps_its_own_copy_of_the_files(
    town_store: Path, runs: dict[dt.date, tuple[ScoreRun, ScoreRun]]
) -> None:
    _, on_spark = runs[DAYS[0]]
    written = store.scores_dir(town_store, DAYS[0]) / "scores.parquet"
    assert pq.read_table(on_spark.scores_path).equals(pq.read_table(written))
