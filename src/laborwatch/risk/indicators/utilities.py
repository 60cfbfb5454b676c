"""Produces utility_indicators.

Grain: one row per enterprise (key) with a utility reading in its data month, as of $as_of.
"""

from laborwatch.risk.indicators.monthly_drop import drop_indicators, drop_sql

NAME = "utility_indicators"
INDICATORS = drop_indicators("utility")
DETAILS = ()
MISSING_IS_ZERO = False
SQL = drop_sql(
    feed="utilities",
    column="electricity_kwh",
    prefix="utility",
    min_trailing="min_trailing_kwh",
    backs=(0, 1),
)
