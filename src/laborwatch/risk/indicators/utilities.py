"""Produces utility_indicators.

Grain: one row per credit_code with utility readings in the lookback window, as of $as_of.
"""

NAME = "utility_indicators"
INDICATORS = ("utility_drop",)
DETAILS = ()

SQL = """
WITH per_enterprise AS (
    SELECT
        credit_code,
        max(CASE WHEN "month" = $latest_month THEN electricity_kwh END) AS latest_kwh,
        avg(CASE WHEN "month" < $latest_month AND "month" >= $trailing_start
            THEN electricity_kwh END) AS trailing_kwh
    FROM utilities
    WHERE "month" >= $trailing_start AND "month" <= $latest_month
    GROUP BY credit_code
)
SELECT
    credit_code,
    CASE WHEN trailing_kwh >= $min_trailing_kwh AND latest_kwh IS NOT NULL
        THEN greatest(0.0, 1.0 - latest_kwh / trailing_kwh)
        ELSE 0.0 END AS utility_drop
FROM per_enterprise
"""
