"""Running the scoring definitions on DuckDB, over the feed store or over literal frames."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import pyarrow as pa

from laborwatch.risk.definitions import (
    INDICATOR_VALUES,
    RISK_SCORES,
    materialised,
    scoring_definitions,
)
from laborwatch.risk.feeds import ARRIVED_ON, FEEDS, STORE_TYPES
from laborwatch.risk.rules import RulesConfig
from laborwatch.risk.store import with_enterprise_key

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}


def feed_frame(feed_name: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """A feed table as stored from literal rows: the store's types (missing columns are
    null), the enterprise key of each code and, for a dated feed, the row's `arrived_on`
    (none given: known whatever the day)."""
    feed = FEEDS[feed_name]
    rows = list(rows)
    table = pa.table(
        {
            column.name: pa.array(
                [row.get(column.name) for row in rows], ARROW_TYPES[STORE_TYPES[column.kind]]
            )
            for column in feed.columns
        }
    )
    table = with_enterprise_key(feed, table, normalized=False)
    if ARRIVED_ON in feed.stored_columns:
        arrived = pa.array([row.get(ARRIVED_ON) for row in rows], pa.date32())
        table = table.append_column(ARRIVED_ON, arrived)
    return table


def register_frames(con: duckdb.DuckDBPyConnection, frames: Mapping[str, pa.Table]) -> None:
    """Feed views over in-memory tables; a feed without a table gets an empty typed view."""
    for feed_name in FEEDS:
        table = frames.get(feed_name, feed_frame(feed_name, []))
        con.register(f"_frame_{feed_name}", table)
        con.execute(f'CREATE OR REPLACE VIEW "{feed_name}" AS SELECT * FROM "_frame_{feed_name}"')


def definition_statements(
    config: RulesConfig,
    as_of: dt.date,
    *,
    point_in_time: bool = True,
    kept: frozenset[str] | None = None,
) -> list[str]:
    """The statements `run_definitions` executes, in order: a temporary table for each
    definition in `kept` (default definitions.materialised: computed once, read more than
    once), a view for the others."""
    kept = materialised() if kept is None else kept
    return [
        f'CREATE OR REPLACE {"TEMP TABLE" if name in kept else "VIEW"} "{name}" AS {sql}'
        for name, sql in scoring_definitions(config, as_of, point_in_time=point_in_time)
    ]


def run_definitions(
    con: duckdb.DuckDBPyConnection,
    config: RulesConfig,
    as_of: dt.date,
    *,
    point_in_time: bool = True,
) -> None:
    """Create every definition over the feed views already on `con` (`point_in_time`: only
    the rows that had arrived by `as_of`; see definitions).

    The definitions read more than once (definitions.materialised) become temporary tables,
    each computed once; the rest stay views.
    """
    for statement in definition_statements(config, as_of, point_in_time=point_in_time):
        con.execute(statement)


def parquet_scans(con: duckdb.DuckDBPyConnection, statement: str) -> int:
    """How many Parquet scans the plan of `statement` has (EXPLAIN; nothing is run): each
    reads the files of one feed view, so this counts how often the run reads the store."""
    plan = json.loads(con.sql(f"EXPLAIN (FORMAT json) {statement}").fetchall()[0][1])

    def scans(node: dict[str, Any]) -> int:
        own = 1 if node.get("name") == "READ_PARQUET" else 0
        return own + sum(scans(child) for child in node.get("children", []))

    return sum(scans(node) for node in plan)


def score_frames(
    frames: Mapping[str, pa.Table],
    config: RulesConfig,
    as_of: dt.date,
    *,
    point_in_time: bool = True,
) -> tuple[pa.Table, pa.Table]:
    """(indicator values, risk scores) for literal feed tables: the engine without files."""
    con = duckdb.connect()
    try:
        register_frames(con, frames)
        run_definitions(con, config, as_of, point_in_time=point_in_time)
        values = con.sql(f"SELECT * FROM {INDICATOR_VALUES} ORDER BY credit_code").to_arrow_table()
        scores = con.sql(
            f"SELECT * FROM {RISK_SCORES} ORDER BY credit_code, risk_type"
        ).to_arrow_table()
    finally:
        con.close()
    return values, scores
