"""Produces utility_indicators.

Grain: one row per enterprise (key) with utility readings in the lookback window, as of $as_of.
"""

NAME = "utility_indicators"
INDICATORS = ("utility_drop", "utility_sustained_drop")
DETAILS = ()

SQL = """
WITH per_enterprise AS (
    SELECT
        enterprise_key,
        max(CASE WHEN "month" = $latest_month THEN electricity_kwh END) AS latest_kwh,
        max(CASE WHEN "month" = $previous_month THEN electricity_kwh END) AS previous_kwh,
        avg(CASE WHEN "month" < $previous_month AND "month" >= $trailing_start
            THEN electricity_kwh END) AS earlier_kwh,
        avg(CASE WHEN "month" < $latest_month AND "month" >= $trailing_start
            THEN electricity_kwh END) AS trailing_kwh
    FROM utilities
    WHERE "month" >= $trailing_start AND "month" <= $latest_month
    GROUP BY enterprise_key
)
SELECT
    enterprise_key,
    CASE WHEN trailing_kwh >= $min_trailing_kwh AND latest_kwh IS NOT NULL
        THEN greatest(0.0, 1.0 - latest_kwh / trailing_kwh)
        ELSE 0.0 END AS utility_drop,
    -- both of the last two months below the months before them: a one-month dip is not
    CASE WHEN earlier_kwh >= $min_trailing_kwh AND latest_kwh IS NOT NULL
            AND previous_kwh IS NOT NULL
        THEN greatest(0.0, 1.0 - greatest(latest_kwh, previous_kwh) / earlier_kwh)
        ELSE 0.0 END AS utility_sustained_drop
FROM per_enterprise
"""
