"""The SQL shared by the monthly-drop families (tax revenue, electricity use): how far the
latest month fell below the trailing average, and whether the last two months both did.

Grain: one row per enterprise (key) with readings in the lookback window, as of $as_of.
Not a family itself: tax.py and utilities.py each produce their view from it.
"""


def drop_indicators(prefix: str) -> tuple[str, str]:
    """The family's two indicators: `<prefix>_drop` and `<prefix>_sustained_drop`."""
    return f"{prefix}_drop", f"{prefix}_sustained_drop"


def drop_sql(*, feed: str, column: str, prefix: str, min_trailing: str) -> str:
    """The family's SQL: its two indicators (`drop_indicators(prefix)`) from `feed`.`column`,
    zero unless the trailing average reaches the parameter `min_trailing`."""
    drop, sustained_drop = drop_indicators(prefix)
    return f"""
WITH per_enterprise AS (
    SELECT
        enterprise_key,
        max(CASE WHEN "month" = $latest_month THEN {column} END) AS latest_value,
        max(CASE WHEN "month" = $previous_month THEN {column} END) AS previous_value,
        avg(CASE WHEN "month" < $previous_month AND "month" >= $trailing_start
            THEN {column} END) AS earlier_average,
        avg(CASE WHEN "month" < $latest_month AND "month" >= $trailing_start
            THEN {column} END) AS trailing_average
    FROM {feed}
    WHERE "month" >= $trailing_start AND "month" <= $latest_month
    GROUP BY enterprise_key
)
SELECT
    enterprise_key,
    CASE WHEN trailing_average >= ${min_trailing} AND latest_value IS NOT NULL
        THEN greatest(0.0, 1.0 - latest_value / trailing_average)
        ELSE 0.0 END AS {drop},
    -- both of the last two months below the months before them: a one-month dip is not
    CASE WHEN earlier_average >= ${min_trailing} AND latest_value IS NOT NULL
            AND previous_value IS NOT NULL
        THEN greatest(0.0, 1.0 - greatest(latest_value, previous_value) / earlier_average)
        ELSE 0.0 END AS {sustained_drop}
FROM per_enterprise
"""
