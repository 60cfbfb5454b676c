"""The scoring definitions on Apache Spark: each transpiled from DuckDB's dialect by sqlglot.

There is no second, hand-written Spark version: `spark_definitions` is
`definitions.scoring_definitions` (every indicator family, the values, the rule levels and
the scores, whatever they are) passed through sqlglot's public `transpile`. A definition
that uses something Spark lacks raises instead of producing SQL that would fail later.

This module needs only sqlglot; running the definitions (`run`) needs pyspark, the optional
extra `.[spark]`, and a Java 17 runtime.
"""

from __future__ import annotations

import datetime as dt

from laborwatch.risk.definitions import scoring_definitions
from laborwatch.risk.rules import RulesConfig


def to_spark(sql: str) -> str:
    import sqlglot
    from sqlglot.errors import ErrorLevel

    return sqlglot.transpile(
        sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE, pretty=True
    )[0]


def spark_definitions(
    config: RulesConfig, as_of: dt.date, *, point_in_time: bool = True
) -> list[tuple[str, str]]:
    """(view name, Spark SQL) in run order; run each as a temporary view."""
    return [
        (name, to_spark(sql))
        for name, sql in scoring_definitions(config, as_of, point_in_time=point_in_time)
    ]
