"""Produces tax_indicators.

Grain: one row per credit_code with tax filings in the lookback window, as of $as_of.
"""

NAME = "tax_indicators"
INDICATORS = ("tax_revenue_drop",)
DETAILS = ()

SQL = """
WITH per_enterprise AS (
    SELECT
        credit_code,
        max(CASE WHEN "month" = $latest_month THEN taxable_revenue END) AS latest_revenue,
        avg(CASE WHEN "month" < $latest_month AND "month" >= $trailing_start
            THEN taxable_revenue END) AS trailing_revenue
    FROM tax
    WHERE "month" >= $trailing_start AND "month" <= $latest_month
    GROUP BY credit_code
)
SELECT
    credit_code,
    CASE WHEN trailing_revenue >= $min_trailing_revenue AND latest_revenue IS NOT NULL
        THEN greatest(0.0, 1.0 - latest_revenue / trailing_revenue)
        ELSE 0.0 END AS tax_revenue_drop
FROM per_enterprise
"""
