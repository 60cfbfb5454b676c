"""Produces tax_indicators.

Grain: one row per enterprise (key) with tax filings in the lookback window, as of $as_of.
"""

NAME = "tax_indicators"
INDICATORS = ("tax_revenue_drop", "tax_revenue_sustained_drop")
DETAILS = ()

SQL = """
WITH per_enterprise AS (
    SELECT
        enterprise_key,
        max(CASE WHEN "month" = $latest_month THEN taxable_revenue END) AS latest_revenue,
        max(CASE WHEN "month" = $previous_month THEN taxable_revenue END) AS previous_revenue,
        avg(CASE WHEN "month" < $previous_month AND "month" >= $trailing_start
            THEN taxable_revenue END) AS earlier_revenue,
        avg(CASE WHEN "month" < $latest_month AND "month" >= $trailing_start
            THEN taxable_revenue END) AS trailing_revenue
    FROM tax
    WHERE "month" >= $trailing_start AND "month" <= $latest_month
    GROUP BY enterprise_key
)
SELECT
    enterprise_key,
    CASE WHEN trailing_revenue >= $min_trailing_revenue AND latest_revenue IS NOT NULL
        THEN greatest(0.0, 1.0 - latest_revenue / trailing_revenue)
        ELSE 0.0 END AS tax_revenue_drop,
    -- both of the last two months below the months before them: a one-month dip is not
    CASE WHEN earlier_revenue >= $min_trailing_revenue AND latest_revenue IS NOT NULL
            AND previous_revenue IS NOT NULL
        THEN greatest(0.0, 1.0 - greatest(latest_revenue, previous_revenue) / earlier_revenue)
        ELSE 0.0 END AS tax_revenue_sustained_drop
FROM per_enterprise
"""
