"""How the daily run reads the feed store: each feed once, each definition computed once.

On a small synthetic city (every feed, every kind of episode): the definitions kept as
temporary tables (definitions.materialised) give exactly the values and scores of the same
definitions all inlined as views, and the run's plans scan each feed's files once (social
insurance's older months aside, read for the enterprises with a streak of arrears only).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from laborwatch.risk import store
from laborwatch.risk.definitions import (
    INDICATOR_VALUES,
    RISK_SCORES,
    materialised,
    months_read,
    scoring_definitions,
)
from laborwatch.risk.indicators import FAMILIES, social_insurance, tax, utilities
from laborwatch.risk.indicators.data_month import MONTH_SLICES, data_month_ctes, month_slice
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


def test_a_key_is_aggregated_as_of_its_own_data_month() -> None:
    """data_month_ctes: each key's values as of its newest month among the candidates (the
    reference month, 1 or 2 months before), whether it took the first grouping (the
    reference month) or the second (an older data month); none beyond the candidates."""
    rows = [  # key, month_offset, value
        (1, 0, 10.0), (1, -1, 20.0), (1, -2, 30.0), (1, -4, 99.0),
        (2, -1, 12.0), (2, -2, 40.0), (2, -3, 16.0),
        (3, -2, 50.0), (3, -3, 13.0),
        (4, -3, 70.0),
    ]  # fmt: skip
    values = ", ".join(f"({key}, {offset}, {value})" for key, offset, value in rows)
    ctes = data_month_ctes(
        "chosen",
        rows=f"SELECT * FROM (VALUES {values}) AS t(enterprise_key, month_offset, v)",
        keys=("enterprise_key",),
        per_month={
            "latest": "max(CASE WHEN month_offset = -{back} THEN v END)",
            "before": "avg(CASE WHEN month_offset < -{back} THEN v END)",
            "paid_since": "max(CASE WHEN v < 15 AND month_offset <= -{back} THEN month_offset END)",
        },
        backs=(0, 1, 2),
        where="month_offset >= -3",
        also={"months": "count(*)"},
    )
    con = duckdb.connect()
    try:
        found = con.sql(f"WITH {ctes} SELECT * FROM chosen ORDER BY enterprise_key").fetchall()
    finally:
        con.close()
    # key, back, months, latest, before, paid_since (month_offset: not relative)
    assert found == [
        (1, 0, 3, 10.0, 25.0, 0),
        (2, 1, 3, 12.0, 28.0, -1),
        (3, 2, 2, 50.0, 13.0, -3),
    ]


def test_each_monthly_family_aggregates_its_rows_once_per_value(town: Path) -> None:
    """The grouping of every enterprise's months computes each value of the data month once
    (plus the data month and the constants carried), not once per candidate month."""
    con = store.connect()
    try:
        store.create_feed_views(con, town, months_read(CONFIG, DAYS[0]))
        definitions = dict(
            zip(
                [name for name, _ in scoring_definitions(CONFIG, DAYS[0])],
                definition_statements(CONFIG, DAYS[0]),
                strict=True,
            )
        )
        widest = {}
        for name, statement in definitions.items():
            if name in (social_insurance.NAME, tax.NAME, utilities.NAME):
                widest[name] = max(_aggregates(con, statement.split(" AS ", 1)[1]))
            con.execute(statement)
    finally:
        con.close()
    # 9 values, the data month, the window's first month and the reference month
    assert widest[social_insurance.NAME] == 12
    # 4 values (latest, previous, both averages) and the data month
    assert widest[tax.NAME] == widest[utilities.NAME] == 5


def _aggregates(con: duckdb.DuckDBPyConnection, query: str) -> list[int]:
    """How many aggregates each hash grouping of the query's plan computes."""
    plan = json.loads(con.sql(f"EXPLAIN (FORMAT json) {query}").fetchall()[0][1])

    def counts(node: dict) -> list[int]:
        own = []
        if node.get("name") == "HASH_GROUP_BY":
            aggregates = node.get("extra_info", {}).get("Aggregates", [])
            own.append(len(aggregates) if isinstance(aggregates, list) else 1)
        return own + [n for child in node.get("children", []) for n in counts(child)]

    return [n for node in plan for n in counts(node)]
