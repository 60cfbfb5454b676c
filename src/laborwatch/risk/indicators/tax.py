"""Produces tax_indicators.

Grain: one row per enterprise (key) with tax filings in the lookback window, as of $as_of.
"""

from laborwatch.risk.indicators.monthly_drop import drop_indicators, drop_sql

NAME = "tax_indicators"
INDICATORS = drop_indicators("tax_revenue")
DETAILS = ()
SQL = drop_sql(
    feed="tax", column="taxable_revenue", prefix="tax_revenue", min_trailing="min_trailing_revenue"
)
