"""Produces utility_indicators.

Grain: one row per enterprise (key) with utility readings in the lookback window, as of $as_of.
"""

from laborwatch.risk.indicators.monthly_drop import drop_sql

NAME = "utility_indicators"
INDICATORS = ("utility_drop", "utility_sustained_drop")
DETAILS = ()

SQL = drop_sql(
    feed="utilities",
    column="electricity_kwh",
    drop="utility_drop",
    sustained_drop="utility_sustained_drop",
    min_trailing="min_trailing_kwh",
)
