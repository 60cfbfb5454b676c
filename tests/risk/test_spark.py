"""Every scoring definition transpiles to Spark SQL (sqlglot), so Spark can run the same rules."""

from __future__ import annotations

import datetime as dt

import pytest

from laborwatch.risk.definitions import scoring_definitions
from tests.risk.helpers import CONFIG

sqlglot = pytest.importorskip("sqlglot")


@pytest.mark.parametrize("as_of", [dt.date(2026, 10, 31), dt.date(2026, 2, 1)])  # 2nd: seasonal
def test_every_definition_transpiles_to_spark(as_of: dt.date) -> None:
    from laborwatch.risk.spark import spark_definitions

    definitions = spark_definitions(CONFIG, as_of)
    assert [name for name, _ in definitions] == [
        name for name, _ in scoring_definitions(CONFIG, as_of)
    ]
    for name, spark_sql in definitions:
        # Spark reads it back: valid Spark syntax, with Spark's functions and quoting.
        parsed = sqlglot.parse_one(spark_sql, read="spark")
        assert parsed is not None, name
        assert '"' not in spark_sql, f"{name}: double quotes are strings in Spark"
        assert "list_sort" not in spark_sql.lower() and "struct_pack" not in spark_sql.lower()


def test_spark_functions_replace_duckdb_ones() -> None:
    from laborwatch.risk.spark import spark_definitions

    spark = dict(spark_definitions(CONFIG, dt.date(2026, 10, 31)))
    assert "FILTER(" in spark["risk_scores"] and "TRANSFORM(" in spark["risk_scores"]
    assert "ROW_NUMBER() OVER" in spark["wage_account_indicators"]
    assert "`month`" in spark["social_insurance_indicators"]
