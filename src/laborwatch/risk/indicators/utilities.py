"""Produces utility_indicators.

Grain: one row per enterprise (key) with utility readings in the lookback window, as of $as_of.
"""

from laborwatch.risk.indicators.monthly_drop import drop_indicators, drop_sql

NAME = "utility_indicators"
INDICATORS = drop_indicators("utility")
DETAILS = ()
SQL = drop_sql(
    feed="utilities", column="electricity_kwh", prefix="utility", min_trailing="min_trailing_kwh"
)
