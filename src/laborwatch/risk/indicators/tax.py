"""Produces tax_indicators.

Grain: one row per enterprise (key) with a tax return in its data month, as of $as_of (small
taxpayers file by the quarter: their data month may be two months before the reference month).
"""

from laborwatch.risk.indicators.monthly_drop import drop_indicators, drop_sql

NAME = "tax_indicators"
INDICATORS = drop_indicators("tax_revenue")
DETAILS = ()
MISSING_IS_ZERO = False
SQL = drop_sql(
    feed="tax",
    column="taxable_revenue",
    prefix="tax_revenue",
    min_trailing="min_trailing_revenue",
    backs=(0, 1, 2),
)
