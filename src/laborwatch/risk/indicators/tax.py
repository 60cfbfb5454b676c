"""Produces tax_indicators.

Grain: one row per enterprise (key) with tax filings in the lookback window, as of $as_of.
"""

from laborwatch.risk.indicators.monthly_drop import drop_sql

NAME = "tax_indicators"
INDICATORS = ("tax_revenue_drop", "tax_revenue_sustained_drop")
DETAILS = ()

SQL = drop_sql(
    feed="tax",
    column="taxable_revenue",
    drop="tax_revenue_drop",
    sustained_drop="tax_revenue_sustained_drop",
    min_trailing="min_trailing_revenue",
)
