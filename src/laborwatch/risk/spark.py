"""The scoring definitions for Apache Spark: each transpiled from DuckDB's dialect by sqlglot.

sqlglot is needed only here (not by the DuckDB engine). A definition that uses something
Spark lacks raises instead of producing SQL that would fail later.
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


def spark_definitions(config: RulesConfig, as_of: dt.date) -> list[tuple[str, str]]:
    """(view name, Spark SQL) in run order; run each as CREATE OR REPLACE TEMP VIEW."""
    return [(name, to_spark(sql)) for name, sql in scoring_definitions(config, as_of)]
