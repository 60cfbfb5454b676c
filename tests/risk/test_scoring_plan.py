"""How the daily run reads the feed store: each feed once, each definition computed once.

On a small synthetic city (every feed, every kind of episode): the definitions kept as
temporary tables (definitions.materialised) give exactly the values and scores of the same
definitions all inlined as views, and the run's plans scan each feed's files once (social
insurance's older months aside, read for the enterprises with a streak of arrears only).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from laborwatch.risk import store
from laborwatch.risk.definitions import (
    INDICATOR_VALUES,
    RISK_SCORES,
    materialised,
    months_read,
    scoring_definitions,
)
from laborwatch.risk.indicators import FAMILIES
from laborwatch.risk.indicators.data_month import MONTH_SLICES, month_slice
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, feed_files_in, ingest_file
from laborwatch.risk.scoring import definition_statements, parquet_scans
from laborwatch.synth import generate
from tests.risk.helpers import CONFIG

TOWN = {"enterprises": 600, "months": 14, "end_month": "2026-10", "seed": 11, "posts": False}
# a month end (every monthly feed of the month before arrived) and the 10th (September's
# social insurance not yet); Spring Festival season (the seasonal multiplier)
DAYS = (dt.date(2026, 10, 31), dt.date(2026, 10, 10), dt.date(2026, 2, 3))


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    city = tmp_path_factory.mktemp("plan-city")
    generate(city, progress=False, **TOWN)
    root = tmp_path_factory.mktemp("plan-store")
    for feed, path in feed_files_in(city):
        report = ingest_file(
            root, feed, path, today=dt.date(2026, 11, 20), arrived=ARRIVAL_CALENDAR
        )
        assert report.status in ("loaded", "already_loaded"), (feed, path)
    return root


def _outputs(
    root: Path, as_of: dt.date, *, point_in_time: bool, kept: frozenset[str]
) -> tuple[list[tuple], list[tuple]]:
    con = store.connect()
    try:
        store.create_feed_views(con, root, months_read(CONFIG, as_of))
        for statement in definition_statements(
            CONFIG, as_of, point_in_time=point_in_time, kept=kept
        ):
            con.execute(statement)
        values = con.sql(f"SELECT * FROM {INDICATOR_VALUES} ORDER BY credit_code").fetchall()
        scores = con.sql(f"SELECT * FROM {RISK_SCORES} ORDER BY credit_code, risk_type").fetchall()
    finally:
        con.close()
    return values, scores


@pytest.mark.parametrize(
    ("as_of", "point_in_time"), [(DAYS[0], True), (DAYS[1], True), (DAYS[2], False)]
)
def test_definitions_computed_once_score_as_the_same_definitions_inlined(
    town: Path, as_of: dt.date, point_in_time: bool
) -> None:
    kept = _outputs(town, as_of, point_in_time=point_in_time, kept=materialised())
    inlined = _outputs(town, as_of, point_in_time=point_in_time, kept=frozenset())
    values, scores = kept
    assert len(values) == TOWN["enterprises"]
    assert scores, "the town has graded enterprises"
    # every value and every score, grade and evidence text identical (floats exactly)
    assert kept == inlined


def _scans_by_definition(root: Path, as_of: dt.date) -> tuple[dict[str, int], set[str]]:
    """Each computed definition's Parquet scans, explained after the ones before it ran; and
    the feeds with files (a feed without is an empty view: nothing to scan)."""
    con = store.connect()
    found = {}
    try:
        used = store.create_feed_views(con, root, months_read(CONFIG, as_of))
        names = [name for name, _ in scoring_definitions(CONFIG, as_of)]
        for name, statement in zip(names, definition_statements(CONFIG, as_of), strict=True):
            if name in materialised():
                found[name] = parquet_scans(con, statement)
            con.execute(statement)
        found[RISK_SCORES] = parquet_scans(con, f"SELECT * FROM {RISK_SCORES}")
    finally:
        con.close()
    return found, {feed for feed, files in used.items() if files}


def test_each_feed_is_read_from_the_store_once(town: Path) -> None:
    scans, delivered = _scans_by_definition(town, DAYS[0])
    assert set(MONTH_SLICES) | {"registry", "work_orders"} <= delivered
    # a monthly feed: its slice alone reads its files
    for feed in MONTH_SLICES:
        assert scans[month_slice(feed)] == 1, feed
    # registry (branches, head offices, industries) and the older months' streak
    assert scans["social_insurance_indicators"] == 4
    for family in ("tax_indicators", "utility_indicators", "wage_account_indicators"):
        assert scans[family] == 0, family
    # event feeds: one scan each (opinion: its events and the work orders from monitoring)
    assert scans["work_order_indicators"] == 1
    assert scans["opinion_indicators"] == 1 + ("opinion_events" in delivered)
    # built on other families, read from their tables
    assert scans["layoff_sign_indicators"] == 0
    assert scans["wage_sign_indicators"] == 0
    assert scans[INDICATOR_VALUES] == 1  # the registry
    assert scans[RISK_SCORES] == 0
    assert sum(scans.values()) <= 14


def test_no_family_reads_a_monthly_feed_but_through_its_slice() -> None:
    definitions = dict(scoring_definitions(CONFIG, DAYS[0]))
    for family in FAMILIES:
        sql = definitions[family.NAME]
        for feed in MONTH_SLICES:
            reads = sql.count(f"known_{feed}")
            # social insurance's older months: only for the streaks, not in the slice
            expected = (
                1
                if (family.NAME, feed) == ("social_insurance_indicators", "social_insurance")
                else 0
            )
            assert reads == expected, (family.NAME, feed)


def test_the_kept_definitions_are_tables_and_the_rest_views(town: Path) -> None:
    con = store.connect()
    try:
        store.create_feed_views(con, town, months_read(CONFIG, DAYS[0]))
        for statement in definition_statements(CONFIG, DAYS[0]):
            con.execute(statement)
        tables = {row[0] for row in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()
    assert tables == set(materialised())
